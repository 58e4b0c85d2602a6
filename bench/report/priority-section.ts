import type { BenchResults } from './results.js';

/** A high job's wait behind a normal backlog beside its wait with none, measured in one run. */
export function prioritySection(results: BenchResults): string[] {
  const wait = results.priorityWait;
  const lines = [`### Priority: a high job's wait behind a ${wait?.backlog ?? 5_000}-job normal backlog`, ''];
  if (!wait) return [...lines, 'Not measured.'];
  const ms = (s: { median: number; min: number; max: number }) => `${s.median} (${s.min}–${s.max})`;
  lines.push(`One worker, concurrency ${wait.concurrency}, simulated provider at ${wait.providerDelayMs} ms; ${wait.samples} high jobs on each side, ` +
    'submitted one at a time, each timed from its submit to its start (its 0 % and 20 % milestones). The backlog is submitted with no worker ' +
    'running; a new worker takes it in hand and the high jobs come once it runs it.', '');
  lines.push('| normal jobs waiting | high job wait ms (median, range) |');
  lines.push('|---|---|');
  lines.push(`| none | ${ms(wait.idleWaitMs)} |`);
  lines.push(`| ${wait.backlog} (${wait.backlogLeft} still waiting after the last high job started) | ${ms(wait.backlogWaitMs)} |`);
  lines.push(`| **with backlog / without** | **${wait.ratio.toFixed(2)}** |`);
  lines.push('', `First come, first served, a job behind those ${wait.backlogLeft} would wait about ${(wait.fifoWaitEstimateMs / 1000).toFixed(1)} s at the ideal pace.`);
  return lines;
}
