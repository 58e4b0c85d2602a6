import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WEATHER_PAYLOAD } from '../lib/job-body.js';

export type Endpoint = 'submit' | 'status' | 'result' | 'list';
export const ENDPOINTS: readonly Endpoint[] = ['submit', 'status', 'result', 'list'];

/** What one request got: an HTTP status, a network error, or no answer within the client's patience. */
export type Outcome = number | 'network' | 'hang';

export interface Answer {
  endpoint: Endpoint;
  /** Milliseconds since the run started. */
  startedMs: number;
  latencyMs: number;
  outcome: Outcome;
  /** The error body's code, or the network error's. */
  code?: string;
  /** What the run was doing: a fault's name, "<fault> recovery", or "steady". */
  phase: string;
  detail?: string;
}

export interface AcceptedJob {
  key: string;
  jobId: string;
  jobType: string;
  /** The job is expected to end `failed` (an input the simulated provider rejects). */
  expectFailure: boolean;
  firstTryMs: number;
  /** When the attempt that got the 202 was sent. */
  lastTryMs: number;
  acceptedMs: number;
  attempts: number;
}

export interface LoadOptions {
  clients: number;
  /** Each client's pause between two rounds (submit + reads). */
  pauseMs: number;
  /** How long a client waits for an answer before it calls the connection hung. */
  patienceMs: number;
  /** Answers slower than this per endpoint are listed. */
  slowMs: Record<Endpoint, number>;
  apiUrl: () => string;
  phase: () => string;
  now: () => number;
}

/** One job body per round: mostly weather, some quotes, and a few that the provider rejects. */
function jobFor(round: number): { body: string; jobType: string; expectFailure: boolean } {
  if (round % 10 === 7) return { body: JSON.stringify({ job_type: 'weather', payload: { ...WEATHER_PAYLOAD, city: 'Atlantis' } }), jobType: 'weather', expectFailure: true };
  if (round % 5 === 3) return { body: JSON.stringify({ job_type: 'quote', payload: { tag: 'wisdom' } }), jobType: 'quote', expectFailure: false };
  return { body: JSON.stringify({ job_type: 'weather', payload: WEATHER_PAYLOAD }), jobType: 'weather', expectFailure: false };
}

const retryable = (outcome: Outcome) => typeof outcome !== 'number' || outcome >= 500;

/**
 * A bounded number of clients, each in a loop: submit a job with its own Idempotency-Key and
 * retry that key on 5xx and network errors with backoff until it is accepted (as the README
 * tells clients to), then read its status, another job's result and now and then the list.
 */
export class ChaosLoad {
  readonly answers: Answer[] = [];
  readonly accepted: AcceptedJob[] = [];
  /** Keys whose job was never accepted before the load stopped. */
  abandoned = 0;
  private stopping = false;
  /** After `stop`, a submit under way retries its key until then, so few keys are left unanswered. */
  private submitDeadline = Infinity;
  private running: Promise<void>[] = [];
  private readonly acceptedListeners = new Set<(job: AcceptedJob) => void>();

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    this.running = Array.from({ length: this.options.clients }, (_, index) => this.client(index));
  }

  /**
   * Clients start nothing new; one that is retrying a submit goes on for up to `graceMs` (the
   * faults are lifted by then), then each stops.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.submitDeadline = this.options.now() + graceMs;
    await Promise.all(this.running);
  }

  onAccepted(listener: (job: AcceptedJob) => void): () => void {
    this.acceptedListeners.add(listener);
    return () => this.acceptedListeners.delete(listener);
  }

  private async client(index: number): Promise<void> {
    for (let round = 0; !this.stopping; round++) {
      const job = await this.submit(index, round);
      if (this.stopping) break;
      if (job) await this.request('status', 'GET', `/v1/jobs/${job.jobId}/status`);
      const earlier = this.accepted[Math.floor(Math.random() * this.accepted.length)];
      if (earlier && !this.stopping) await this.request('result', 'GET', `/v1/jobs/${earlier.jobId}/result`);
      if (round % 4 === index % 4 && !this.stopping) await this.request('list', 'GET', '/v1/jobs?limit=20');
      await sleep(this.options.pauseMs * (0.5 + Math.random()));
    }
  }

  private async submit(index: number, round: number): Promise<AcceptedJob | undefined> {
    const { body, jobType, expectFailure } = jobFor(round + index);
    const key = `chaos-${randomUUID()}`;
    const firstTryMs = this.options.now();
    for (let attempt = 1; this.options.now() < this.submitDeadline; attempt++) {
      const { answer, body: reply, retryAfterS } = await this.request('submit', 'POST', '/v1/jobs', body, key);
      if (answer.outcome === 202) {
        const jobId = (JSON.parse(reply) as { job_id: string }).job_id;
        const job: AcceptedJob = {
          key,
          jobId,
          jobType,
          expectFailure,
          firstTryMs,
          lastTryMs: answer.startedMs,
          acceptedMs: this.options.now(),
          attempts: attempt,
        };
        this.accepted.push(job);
        for (const listener of this.acceptedListeners) listener(job);
        return job;
      }
      if (!retryable(answer.outcome)) return undefined; // a 4xx: recorded as unexpected, nothing to retry
      const backoff = Math.min(5_000, 200 * 2 ** Math.min(attempt - 1, 5)) * (0.5 + Math.random() / 2);
      await sleep(Math.max(backoff, Math.min(5_000, (retryAfterS ?? 0) * 1_000)));
    }
    this.abandoned++;
    return undefined;
  }

  private async request(
    endpoint: Endpoint,
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    idempotencyKey?: string,
  ): Promise<{ answer: Answer; body: string; retryAfterS?: number }> {
    const startedMs = this.options.now();
    const phase = this.options.phase();
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    let outcome: Outcome;
    let text = '';
    let code: string | undefined;
    let retryAfterS: number | undefined;
    try {
      const response = await fetch(`${this.options.apiUrl()}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.options.patienceMs),
      });
      text = await response.text();
      outcome = response.status;
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter !== null) retryAfterS = Number(retryAfter);
      if (outcome >= 400) {
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = 'NOT_JSON';
        }
      }
    } catch (error) {
      const name = (error as Error).name;
      outcome = name === 'TimeoutError' || name === 'AbortError' ? 'hang' : 'network';
      const cause = (error as { cause?: { code?: string } }).cause;
      code = outcome === 'hang' ? 'NO_ANSWER' : (cause?.code ?? name);
    }
    const answer: Answer = { endpoint, startedMs, latencyMs: this.options.now() - startedMs, outcome, phase, ...(code ? { code } : {}) };
    if (typeof outcome === 'number' && outcome >= 500 && outcome !== 503 && outcome !== 504) answer.detail = text.slice(0, 300);
    this.answers.push(answer);
    return { answer, body: text, ...(retryAfterS === undefined ? {} : { retryAfterS }) };
  }
}

/** Whether an answer is one a client should never get, whatever a dependency does. */
export function unexpected(answer: Answer): string | undefined {
  const { outcome, endpoint, code } = answer;
  if (outcome === 'hang') return 'no answer (connection hung)';
  if (outcome === 'network') return undefined; // a killed or restarting API: counted, not a defect by itself
  if (outcome >= 500 && outcome !== 503 && outcome !== 504) return `${outcome} ${code ?? ''}`.trim();
  if (outcome === 504 && endpoint !== 'status') return `504 on ${endpoint}`;
  if (outcome === 404 && code === 'JOB_NOT_FOUND') return `404 JOB_NOT_FOUND for an accepted job`;
  if (outcome >= 400 && outcome < 500 && !(endpoint === 'result' && code === 'RESULT_NOT_READY')) return `${outcome} ${code ?? ''}`.trim();
  return undefined;
}
