import type { EndToEndResult } from '../scenarios/end-to-end.js';
import type { StatusLatencyLevel } from '../scenarios/status-latency.js';
import type { SubmitThroughputResult } from '../scenarios/submit-throughput.js';
import type { WorkerMemoryResult } from '../scenarios/worker-memory.js';
import type { Spread } from '../lib/stats.js';

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

export interface EndToEndSeries extends Spread {
  label: string;
  runs: number[];
  details: EndToEndResult[];
}

export interface BenchResults {
  machine: MachineInfo;
  settings: Record<string, unknown>;
  submit?: SubmitThroughputResult;
  endToEnd: { embedded?: EndToEndSeries; services?: EndToEndSeries; bullmq?: EndToEndSeries; ratios: Record<string, number> };
  statusLatency?: StatusLatencyLevel[];
  /** Which stack answered the status calls. */
  statusLatencyLabel?: string;
  workerMemory?: WorkerMemoryResult & { nodeOptions: string };
  /** The same drain with NODE_OPTIONS capping V8's old space. */
  workerMemoryCappedHeap?: WorkerMemoryResult & { nodeOptions: string };
  /** Scenario → why it did not run. */
  notMeasured: Record<string, string>;
  durationSeconds: number;
}
