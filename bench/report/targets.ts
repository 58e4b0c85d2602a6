import type { BenchResults } from './results.js';

export interface TargetCheck {
  name: string;
  target: string;
  result: string;
  /** undefined when the measurement behind it did not run. */
  met: boolean | undefined;
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);

/** The targets beside the results: reported, never asserted. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const submit = results.submit;
  checks.push({
    name: 'Submit throughput',
    target: '≥ 0.5 × bare node:http req/s',
    result: submit ? `${fmt(submit.ratio, 2)} × (${fmt(submit.dtq.requestsPerSecond.median, 0)} vs ${fmt(submit.bare.requestsPerSecond.median, 0)} req/s)` : 'not measured',
    met: submit ? submit.ratio >= 0.5 : undefined,
  });
  const services = results.endToEnd.services?.median;
  const bull = results.endToEnd.bullmq?.median;
  checks.push({
    name: 'End-to-end, services mode',
    target: '≥ BullMQ jobs/s',
    result: services !== undefined && bull !== undefined ? `${fmt(services / bull, 2)} × (${fmt(services)} vs ${fmt(bull)} jobs/s)` : 'not measured',
    met: services !== undefined && bull !== undefined ? services >= bull : undefined,
  });
  const at200 = results.statusLatency?.find((level) => level.concurrency === 200);
  checks.push({
    name: 'Status via RPC, 200 callers',
    target: 'p99 ≤ 5 ms',
    result: at200 ? `p99 ${fmt(at200.rpc.p99Ms, 2)} ms (floor: Redis p99 ${fmt(at200.redis.p99Ms, 2)} ms)` : 'not measured',
    met: at200 ? at200.rpc.p99Ms <= 5 : undefined,
  });
  const memory = results.workerMemory;
  checks.push({
    name: 'Worker peak RSS, 10,000-job backlog',
    target: '≤ 150 MB',
    result: memory
      ? `${fmt(memory.peakRssMb)} MB (backlog ${memory.backlog})` +
        (results.workerMemoryCappedHeap ? `; ${fmt(results.workerMemoryCappedHeap.peakRssMb)} MB with ${results.workerMemoryCappedHeap.nodeOptions}` : '')
      : 'not measured',
    met: memory ? memory.peakRssMb <= 150 : undefined,
  });
  return checks;
}
