import { relative } from 'node:path';
import { startServicesApi, startServicesWorker, type BenchSettings, type HttpService } from '../lib/dtq-stack.js';
import { httpClient } from '../lib/http.js';
import { REPO_ROOT, logTail, type BenchProcess } from '../lib/processes.js';
import { sumMetric } from '../lib/prometheus.js';

export interface ProcessEvent {
  atS: number;
  process: string;
  event: string;
  logFile: string;
  logTail?: string;
}

type Role = 'api' | 'worker';

/**
 * One API process and `workers` worker processes, started the way `npm run bench` starts them.
 * A process that exits without being killed by the run is a finding: it is recorded with the
 * tail of its log and started again, so the run goes on.
 */
export class ChaosStack {
  api!: HttpService;
  readonly workers: (HttpService | undefined)[] = [];
  readonly events: ProcessEvent[] = [];
  private readonly killed = new Set<BenchProcess>();
  private readonly starts: Record<Role, number> = { api: 0, worker: 0 };
  private stopping = false;

  constructor(
    private readonly settings: BenchSettings,
    private readonly env: Record<string, string>,
    private readonly name: string,
    private readonly workerCount: number,
    private readonly nowS: () => number,
  ) {}

  get apiUrl(): string {
    return this.api.baseUrl;
  }

  get processes(): BenchProcess[] {
    return [this.api.proc, ...this.workers.flatMap((worker) => (worker ? [worker.proc] : []))];
  }

  async start(): Promise<void> {
    await this.startApi();
    for (let index = 0; index < this.workerCount; index++) await this.startWorker(index);
  }

  private async startApi(): Promise<void> {
    this.api = await startServicesApi(this.settings, this.env, `${this.name}-api-${++this.starts.api}`);
    this.watch(this.api.proc, () => this.startApi());
  }

  private async startWorker(index: number): Promise<void> {
    const worker = await startServicesWorker(this.settings, this.env, `${this.name}-worker${index}-${++this.starts.worker}`);
    this.workers[index] = worker;
    this.watch(worker.proc, () => this.startWorker(index));
  }

  private watch(proc: BenchProcess, restart: () => Promise<void>): void {
    void proc.exited.then(async ({ code, signal }) => {
      if (this.killed.has(proc) || this.stopping) return;
      this.events.push({ atS: this.nowS(), process: proc.name, event: `exited by itself (${code ?? signal})`, logFile: relative(REPO_ROOT, proc.logFile), logTail: logTail(proc, 30) });
      await restart().catch((error: unknown) =>
        this.events.push({ atS: this.nowS(), process: proc.name, event: `could not be started again: ${(error as Error).message}`, logFile: relative(REPO_ROOT, proc.logFile) }),
      );
    });
  }

  private async kill(proc: BenchProcess, why: string): Promise<void> {
    this.killed.add(proc);
    this.events.push({ atS: this.nowS(), process: proc.name, event: `SIGKILL (${why})`, logFile: relative(REPO_ROOT, proc.logFile) });
    proc.child.kill('SIGKILL');
    await proc.exited;
  }

  async killApi(): Promise<void> {
    await this.kill(this.api.proc, 'fault: api');
  }

  async restartApi(): Promise<void> {
    await this.startApi();
  }

  /** Jobs the worker is running now, from its /metrics (undefined when it does not answer). */
  async jobsInFlight(index: number): Promise<number | undefined> {
    const worker = this.workers[index];
    if (!worker) return undefined;
    const client = httpClient(worker.baseUrl, 1);
    try {
      const reply = await client.get('/metrics');
      return reply.status === 200 ? sumMetric(reply.body, 'dtq_worker_jobs_in_flight') : undefined;
    } catch {
      return undefined;
    } finally {
      client.close();
    }
  }

  /** SIGKILLs worker `index` once it has a job in flight (or after `waitMs` regardless); answers how many it had. */
  async killWorkerMidJob(index: number, waitMs: number): Promise<number> {
    const until = Date.now() + waitMs;
    let inFlight = 0;
    while (Date.now() < until) {
      inFlight = (await this.jobsInFlight(index)) ?? 0;
      if (inFlight > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const worker = this.workers[index]!;
    this.workers[index] = undefined;
    await this.kill(worker.proc, `fault: worker, ${inFlight} job(s) in flight`);
    return inFlight;
  }

  async restartWorker(index: number): Promise<void> {
    await this.startWorker(index);
  }

  /** What /readyz of the API and of each worker answers now (0 when it does not answer). */
  async readiness(): Promise<Record<string, number>> {
    const services: [string, HttpService | undefined][] = [['api', this.api], ...this.workers.map((worker, index) => [`worker${index}`, worker] as [string, HttpService | undefined])];
    const answers = await Promise.all(
      services.map(async ([name, service]) => {
        if (!service) return [name, 0] as const;
        try {
          const reply = await fetch(`${service.baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
          await reply.arrayBuffer();
          return [name, reply.status] as const;
        } catch {
          return [name, 0] as const;
        }
      }),
    );
    return Object.fromEntries(answers);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.processes.map((proc) => proc.stop(15_000)));
  }
}
