import { cpuPerJob, representativeRun, type BenchResults } from './results.js';

export interface TargetCheck {
  name: string;
  target: string;
  result: string;
  /** undefined when the measurement behind it did not run. */
  met: boolean | undefined;
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);

function ratioCheck(name: string, target: string, minimum: number, ours: number | undefined, theirs: number | undefined, unit: string): TargetCheck {
  if (ours === undefined || theirs === undefined) return { name, target, result: 'not measured', met: undefined };
  const ratio = ours / theirs;
  return { name, target, result: `${fmt(ratio, 2)} × (${fmt(ours)} vs ${fmt(theirs)} ${unit})`, met: ratio >= minimum };
}

/** The targets beside the results: reported, never asserted. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const { io, cpu, submit, status } = results;
  const checks: TargetCheck[] = [
    ratioCheck('I/O-bound vs BullMQ', '≥ 0.95 × BullMQ jobs/s', 0.95, io?.dtq?.median, io?.bullmq?.median, 'jobs/s'),
    ratioCheck('I/O-bound vs ideal', '≥ 0.85 × concurrency / delay', 0.85, io?.dtq?.median, io?.idealJobsPerSecond, 'jobs/s'),
    ratioCheck('Scale-out, two workers', '≥ 1.8 × one worker', 1.8, io?.dtqTwoWorkers?.median, io?.dtq?.median, 'jobs/s'),
    ratioCheck('CPU-bound jobs/s vs BullMQ', '≥ 0.6 × BullMQ jobs/s', 0.6, cpu?.dtq?.median, cpu?.bullmq?.median, 'jobs/s'),
  ];
  const ours = cpu?.dtq ? cpuPerJob(representativeRun(cpu.dtq)).own : undefined;
  const theirs = cpu?.bullmq ? cpuPerJob(representativeRun(cpu.bullmq)).own : undefined;
  checks.push({
    name: 'CPU-bound, CPU per job of the system\'s own processes',
    target: '≤ 2 × BullMQ\'s',
    result: ours !== undefined && theirs !== undefined ? `${fmt(ours / theirs, 2)} × (${fmt(ours, 2)} vs ${fmt(theirs, 2)} ms)` : 'not measured',
    met: ours !== undefined && theirs !== undefined ? ours <= 2 * theirs : undefined,
  });
  checks.push(
    ratioCheck('Submit vs node:http + Queue.add', '≥ 0.8 × its req/s', 0.8, submit?.servers.dtq.requestsPerSecond.median, submit?.servers.bullmq.requestsPerSecond.median, 'req/s'),
  );
  checks.push({
    name: `Status, open loop at ${status?.ratePerSecond ?? 500}/s`,
    target: 'p99 ≤ 10 ms',
    result: status ? `p99 ${fmt(status.rpc.p99Ms, 2)} ms (direct HGETALL p99 ${fmt(status.redis.p99Ms, 2)} ms)` : 'not measured',
    met: status ? status.rpc.p99Ms <= 10 : undefined,
  });
  const answerCpu = status?.rpcCpuMicrosPerRequest;
  const answerMicros = answerCpu ? (answerCpu.api ?? 0) + (answerCpu.worker ?? 0) : undefined;
  checks.push({
    name: 'Status, API + worker CPU per answer',
    target: '≤ 0.5 ms',
    result: answerCpu && answerMicros !== undefined ? `${fmt(answerMicros / 1000, 2)} ms (API ${fmt(answerCpu.api ?? 0, 0)} + worker ${fmt(answerCpu.worker ?? 0, 0)} µs)` : 'not measured',
    met: answerMicros === undefined ? undefined : answerMicros <= 500,
  });
  const memory = results.workerMemory;
  checks.push({
    name: `Worker peak RSS, ${memory?.backlog ?? 10_000}-job backlog`,
    target: '≤ 150 MB as shipped',
    result: memory
      ? `${fmt(memory.peakRssMb)} MB with the image's NODE_OPTIONS` +
        (results.workerMemoryNodeDefaults ? `; ${fmt(results.workerMemoryNodeDefaults.peakRssMb)} MB with node's defaults` : '')
      : 'not measured',
    met: memory ? memory.peakRssMb <= 150 : undefined,
  });
  return checks;
}
