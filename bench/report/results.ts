import type { DelayedDueResult } from '../scenarios/delayed-due.js';
import type { EndToEndResult } from '../scenarios/end-to-end.js';
import type { StatusLatencyResult } from '../scenarios/status-latency.js';
import type { SubmitThroughputResult } from '../scenarios/submit-throughput.js';
import type { WorkerMemoryResult } from '../scenarios/worker-memory.js';
import type { EventStreamsResult } from '../scenarios/event-streams.js';
import type { PriorityWaitResult } from '../scenarios/priority-wait.js';
import type { BatchSubmitResult } from '../scenarios/batch-submit.js';
import type { Spread } from '../lib/stats.js';
import type { LimitOverheadResult, TenantWaitResult } from '../scenarios/key-limits.js';

export interface MachineInfo {
  date: string;
  cpuModel: string;
  cores: number;
  node: string;
  /** 1-minute load average before and after the run: other work on the machine skews results. */
  loadBefore: number;
  loadAfter: number;
  commit: string;
  versions: Record<string, string>;
}

/** Repeated end-to-end runs of one system: jobs/s spread and every run's details. */
export interface ThroughputSeries extends Spread {
  label: string;
  details: EndToEndResult[];
}

/** One end-to-end comparison: the same jobs, delay and concurrency on each system. */
export interface ThroughputComparison {
  jobs: number;
  providerDelayMs: number;
  concurrency: number;
  partitions: number;
  dtq?: ThroughputSeries;
  bullmq?: ThroughputSeries;
}

export interface BenchResults {
  machine: MachineInfo;
  settings: Record<string, unknown>;
  /** I/O-bound: the provider takes hundreds of ms; ideal = concurrency / delay. */
  io?: ThroughputComparison & { idealJobsPerSecond: number; dtqTwoWorkers?: ThroughputSeries };
  /** CPU-bound: the provider answers at once, so the platform's own cost is all there is. */
  cpu?: ThroughputComparison;
  submit?: SubmitThroughputResult;
  /** jobs/s submitted in batches of 100 vs one by one, same API, same run. */
  batch?: BatchSubmitResult;
  status?: StatusLatencyResult & { label: string };
  /** The worker as shipped: the NODE_OPTIONS of its image. */
  workerMemory?: WorkerMemoryResult & { nodeOptions: string };
  /** The same drain with node's own heap defaults (sized from the machine): how much the image's settings save. */
  workerMemoryNodeDefaults?: WorkerMemoryResult & { nodeOptions: string };
  /** Open SSE streams on one API process: its RSS and the delay from a status write to its event. */
  streams?: EventStreamsResult;
  /** Per-key limits: the other tenant's wait beside a flood, and the cost of limits never reached. */
  keyLimits?: { tenantWait?: TenantWaitResult; overhead?: LimitOverheadResult };
  /** A high job's wait behind a normal backlog and with none. */
  priorityWait?: PriorityWaitResult;
  /** Many jobs due at one moment, beside as many submitted without delay. */
  delayed?: DelayedDueResult & { label: string };
  /** Scenario → why it did not run. */
  notMeasured: Record<string, string>;
  durationSeconds: number;
}

/** Processes that are the job system itself, as opposed to the servers it uses and the load generator. */
const OWN_PROCESS = /^(api|worker( \d+)?|submit server)$/;

/** CPU milliseconds per job: the system's own processes together, and each process. */
export function cpuPerJob(run: EndToEndResult): { own: number; byProcess: Record<string, number> } {
  const byProcess = Object.fromEntries(Object.entries(run.cpuSeconds).map(([name, seconds]) => [name, (seconds * 1000) / run.jobs]));
  const own = Object.entries(byProcess).reduce((sum, [name, ms]) => (OWN_PROCESS.test(name) ? sum + ms : sum), 0);
  return { own, byProcess };
}

/** The run whose jobs/s is the median's, or the nearest: its CPU figures stand for the series. */
export function representativeRun(series: ThroughputSeries): EndToEndResult {
  return [...series.details].sort((a, b) => Math.abs(a.jobsPerSecond - series.median) - Math.abs(b.jobsPerSecond - series.median))[0]!;
}
