import { z } from 'zod';
import {
  CancelJobResponseSchema,
  IDEMPOTENCY_KEY_HEADER,
  JobResultResponseSchema,
  JobStatusResponseSchema,
  ListJobsResponseSchema,
  RetryJobResponseSchema,
  SubmitJobResponseSchema,
  type CancelJobResponse,
  type JobResultResponse,
  type JobStatusResponse,
  type SubmitJobRequest,
} from '../contracts/http-api.js';
import { TERMINAL_STATES, type JobState } from '../contracts/common.js';
import { DtqNetworkError, DtqUnavailableError, DtqWaitTimeoutError, isDtqError, toDtqError } from './errors.js';
import { readEventStream } from './event-stream.js';
import { JobEventSchema, type JobEvent } from './job-event.js';
import { isFinalState } from '../contracts/job-events.js';

export interface DtqClientOptions {
  /** Where the API answers, e.g. `http://127.0.0.1:7071`. */
  baseUrl: string;
  /** Sent as `x-api-key` (and `x-functions-key` for the Azure Functions host). */
  apiKey?: string;
  /** Headers asked for before every request, e.g. a fresh `authorization: Bearer …`. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Deadline of one request; event streams have none. Default 30 s. */
  requestTimeoutMs?: number;
  /** How often `submit` sends again after a network failure or a 503, with the same key. Default 3. */
  submitAttempts?: number;
  fetch?: typeof fetch;
}

/** A job submission of any job type the API serves, known to this client's build or not. */
export type SubmitRequest = Omit<SubmitJobRequest, 'job_type'> & { job_type: string };
const SubmittedJobSchema = SubmitJobResponseSchema.extend({ job_type: z.string() });
export type SubmittedJob = z.infer<typeof SubmittedJobSchema>;
const RetriedJobSchema = RetryJobResponseSchema.extend({ job_type: z.string() });
export type RetriedJob = z.infer<typeof RetriedJobSchema>;
const ResultSchema = JobResultResponseSchema.extend({ job_type: z.string() });
export type JobResult = Omit<JobResultResponse, 'job_type'> & { job_type: string };
const JobListSchema = ListJobsResponseSchema.extend({ items: z.array(ListJobsResponseSchema.shape.items.element.extend({ job_type: z.string() })) });
export type JobList = z.infer<typeof JobListSchema>;

export interface JobFilters {
  state?: JobState;
  job_type?: string;
  schedule_id?: string;
}

export interface EventsOptions {
  /** Resume after this event id. */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Called each time the stream is open (the first connection and every reconnect): e.g. to read what may have changed before it. */
  onOpen?: () => void;
}

function isFinal(event: JobEvent): boolean {
  return isFinalState(event.state);
}

function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * dtq's HTTP API as typed calls: answers are checked against dtq's contracts, errors arrive as
 * typed classes carrying dtq's stable codes (client/errors.ts), and waiting for a job follows
 * its event stream instead of asking again and again.
 */
export class DtqClient {
  readonly #baseUrl: string;
  readonly #options: DtqClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: DtqClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = options;
    // Looked up at each call, not bound once: a page or test may wrap fetch after the client exists.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async #headers(): Promise<Record<string, string>> {
    const key = this.#options.apiKey;
    return {
      ...(key ? { 'x-api-key': key, 'x-functions-key': key } : {}),
      ...(await this.#options.headers?.()),
    };
  }

  /**
   * One request to any dtq route, its answer checked against `schema`: for routes this client
   * has no method for. Errors arrive as the typed classes of client/errors.ts.
   */
  async request<S extends z.ZodType>(path: string, schema: S, init: RequestInit = {}): Promise<z.infer<S>> {
    const signal = AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000);
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, {
        ...init,
        signal,
        headers: { accept: 'application/json', ...(await this.#headers()), ...(init.headers as Record<string, string> | undefined) },
      });
    } catch (error) {
      const reason = signal.aborted ? `no answer within ${this.#options.requestTimeoutMs ?? 30_000} ms` : error instanceof Error ? error.message : String(error);
      throw new DtqNetworkError(reason, { cause: error, request: `${init.method ?? 'GET'} ${path}` });
    }
    if (!response.ok) throw await toDtqError(response);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new DtqNetworkError(`the answer to ${path} does not match the dtq contract`);
    return parsed.data;
  }

  /**
   * Submits a job. The idempotency key (one is made when none is given) lets the client send
   * again after a lost answer or a 503 without making a second job.
   */
  async submit(request: SubmitRequest, options: { idempotencyKey?: string } = {}): Promise<SubmittedJob> {
    const key = options.idempotencyKey ?? newIdempotencyKey();
    const attempts = Math.max(1, this.#options.submitAttempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request('/v1/jobs', SubmittedJobSchema, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: key },
          body: JSON.stringify(request),
        });
      } catch (error) {
        const transient = error instanceof DtqNetworkError || error instanceof DtqUnavailableError;
        if (!transient || attempt >= attempts) throw error;
        const seconds = error instanceof DtqUnavailableError ? (error.retryAfterSeconds ?? 1) : 0.2 * attempt;
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      }
    }
  }

  /** The job's status now. */
  get(jobId: string): Promise<JobStatusResponse> {
    return this.request(`/v1/jobs/${encodeURIComponent(jobId)}/status`, JobStatusResponseSchema);
  }

  /** The job's durable result; DtqNotFoundError with code RESULT_NOT_READY while it has none. */
  result(jobId: string): Promise<JobResult> {
    return this.request(`/v1/jobs/${encodeURIComponent(jobId)}/result`, ResultSchema);
  }

  /** Jobs of the status window, newest first, one page. */
  list(filters: JobFilters = {}, page: { limit?: number; cursor?: string } = {}): Promise<JobList> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...filters, ...page })) if (value !== undefined) query.set(name, String(value));
    return this.request(`/v1/jobs${query.size ? `?${query}` : ''}`, JobListSchema);
  }

  /** Cancels a queued or running job (DtqConflictError JOB_NOT_CANCELLABLE once it ended). */
  cancel(jobId: string): Promise<CancelJobResponse> {
    return this.request(`/v1/jobs/${encodeURIComponent(jobId)}/cancel`, CancelJobResponseSchema, { method: 'POST' });
  }

  /** Runs a failed job again as a new job; the same key makes a repeated call the same new job. */
  retry(jobId: string, options: { idempotencyKey?: string } = {}): Promise<RetriedJob> {
    return this.request(`/v1/jobs/${encodeURIComponent(jobId)}/retry`, RetriedJobSchema, {
      method: 'POST',
      headers: { [IDEMPOTENCY_KEY_HEADER]: options.idempotencyKey ?? newIdempotencyKey() },
    });
  }

  async *#events(path: string, options: EventsOptions, isLast?: (event: JobEvent) => boolean): AsyncGenerator<JobEvent> {
    // isLast and the loop below read each event: it is parsed and checked once.
    let last: { data: string; event: JobEvent } | undefined;
    const parse = (data: string): JobEvent => {
      if (last?.data === data) return last.event;
      last = { data, event: check(data) };
      return last.event;
    };
    const check = (data: string): JobEvent => {
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        throw new DtqNetworkError(`an event from ${path} is not JSON`);
      }
      const parsed = JobEventSchema.safeParse(json);
      if (!parsed.success) throw new DtqNetworkError(`an event from ${path} does not match the dtq contract`);
      return parsed.data;
    };
    const stream = readEventStream({
      url: `${this.#baseUrl}${path}`,
      headers: () => this.#headers(),
      fetch: this.#fetch,
      ...(options.lastEventId ? { lastEventId: options.lastEventId } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onOpen ? { onOpen: options.onOpen } : {}),
      ...(isLast ? { isLast: (message) => message.data !== '' && isLast(parse(message.data)) } : {}),
    });
    for await (const message of stream) {
      if (message.data === '') continue;
      yield { ...parse(message.data), ...(message.id ? { event_id: message.id } : {}) };
    }
  }

  /**
   * The job's changes as they happen, from its state when called; ends after its final state.
   * A dropped connection is reopened where it stopped (Last-Event-ID).
   */
  jobEvents(jobId: string, options: EventsOptions = {}): AsyncGenerator<JobEvent> {
    return this.#events(`/v1/jobs/${encodeURIComponent(jobId)}/events`, options, isFinal);
  }

  /** Changes of every job matching the filters, as they happen, until `signal` aborts. */
  events(filters: JobFilters = {}, options: EventsOptions = {}): AsyncGenerator<JobEvent> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) if (value !== undefined) query.set(name, String(value));
    return this.#events(`/v1/events${query.size ? `?${query}` : ''}`, options);
  }

  /**
   * Waits, without polling, until the job ends, and answers its final status. Rejects with
   * DtqWaitTimeoutError past `timeoutMs` (default: no bound besides `signal`).
   */
  async waitUntilDone(jobId: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<JobStatusResponse> {
    const signals = [options.signal, options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs)].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    try {
      for await (const event of this.jobEvents(jobId, signal ? { signal } : {})) {
        if (isFinal(event)) return await this.get(jobId);
      }
    } catch (error) {
      if (signal?.aborted && !options.signal?.aborted && !isDtqError(error)) throw new DtqWaitTimeoutError(jobId, options.timeoutMs!);
      throw error;
    }
    // The stream ended without a final state (it only ends after one): ask once more.
    const status = await this.get(jobId);
    if (TERMINAL_STATES.includes(status.state)) return status;
    throw new DtqNetworkError(`the event stream of job ${jobId} ended before the job did`);
  }
}
