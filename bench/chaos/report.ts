import type { Answer, Endpoint } from './load.js';
import type { ProcessEvent } from './stack.js';

type AnswerView = Answer & { startedAtS: number };

export interface StepResult {
  name: string;
  target: string;
  injectedAtS: number;
  heldS: number;
  note?: string;
  recovery: {
    /** How long the restore itself took: a broker's or a process's start. */
    restoreTookS: number;
    /** Accepted jobs without a result when the fault was lifted. */
    backlogAtRestore: number;
    /** From the end of the restore to the first 202 of a submit sent after it. */
    submitOkAfterS: number | null;
    /** From the end of the restore until every job accepted before it had its result. */
    drainedAfterS: number | null;
    /** The later of the two; null when either did not happen within the recovery timeout. */
    recoveredAfterS: number | null;
  };
  answersDuringFault: Record<string, number>;
  answersDuringRecovery: Record<string, number>;
}

export interface ChaosResults {
  runId: string;
  machine: { date: string; cores: number; cpuModel: string; node: string; loadBefore: number; loadAfter: number };
  settings: Record<string, unknown>;
  steps: StepResult[];
  jobs: {
    accepted: number;
    completed: number;
    failed: number;
    /** Accepted (a 202) and no result document when the run ended. */
    lost: number;
    /** job_ids with more than one result document. */
    duplicated: number;
    /** Result documents for job ids no 202 named: a job run twice under one key, or for a key given up. */
    unannounced: number;
    abandonedSubmits: number;
    /** Final state in Redis differs from the result document, or the result from what the input gives. */
    statusDisagreements: number;
    submitAttempts: number;
  };
  endpoints: Partial<Record<Endpoint, { requests: number; outcomes: Record<string, number>; p50Ms: number; p99Ms: number; maxMs: number; slowerThanDeadline: number }>>;
  slowest: AnswerView | undefined;
  slow: AnswerView[];
  unexpected: (AnswerView & { why: string })[];
  unexpectedCount: number;
  processEvents: ProcessEvent[];
  details: { lost: unknown[]; duplicated: unknown[]; unannounced: string[]; disagreements: unknown[] };
  problems: string[];
  durationSeconds: number;
}

const pad = (cells: (string | number)[], widths: number[]) => cells.map((cell, i) => String(cell).padEnd(widths[i]!)).join('  ');
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([outcome, n]) => `${outcome}×${n}`)
    .join(' ') || '—';

export function printReport(results: ChaosResults, out: (line: string) => void): void {
  const { jobs } = results;
  out('');
  out(`chaos ${results.runId}: ${results.durationSeconds} s, load ${results.machine.loadBefore} → ${results.machine.loadAfter}`);
  out(
    `jobs: accepted ${jobs.accepted}, completed ${jobs.completed}, failed ${jobs.failed} (as the input asks), lost ${jobs.lost}, ` +
      `duplicated ${jobs.duplicated}, results no 202 named ${jobs.unannounced}, submits given up ${jobs.abandonedSubmits}, ` +
      `status ≠ result ${jobs.statusDisagreements}; ${jobs.submitAttempts} submit attempts`,
  );
  if (results.slowest) {
    const s = results.slowest;
    out(`slowest answer: ${s.latencyMs} ms, ${s.endpoint} → ${s.outcome}${s.code ? ` ${s.code}` : ''} at ${s.startedAtS} s (${s.phase})`);
  }
  out('');
  const widths = [26, 7, 9, 10, 10, 11, 40];
  out(pad(['fault', 'held s', 'restore s', 'submit ok', 'drained', 'recovered', 'answers during the fault'], widths));
  for (const step of results.steps) {
    const r = step.recovery;
    out(
      pad(
        [step.name, step.heldS, r.restoreTookS, r.submitOkAfterS ?? 'never', r.drainedAfterS ?? 'never', r.recoveredAfterS ?? 'NO', counts(step.answersDuringFault)],
        widths,
      ),
    );
  }
  out('(seconds after the restore: a submit sent after it is accepted; every job accepted before it has its result)');
  out('');
  const endpointWidths = [8, 9, 9, 9, 10, 8, 50];
  out(pad(['endpoint', 'requests', 'p50 ms', 'p99 ms', 'max ms', '> limit', 'answers'], endpointWidths));
  for (const [endpoint, row] of Object.entries(results.endpoints)) {
    out(pad([endpoint, row.requests, row.p50Ms, row.p99Ms, row.maxMs, row.slowerThanDeadline, counts(row.outcomes)], endpointWidths));
  }
  out('');
  for (const answer of results.slow.slice(0, 10)) {
    out(`slow: ${answer.endpoint} ${answer.latencyMs} ms → ${answer.outcome} ${answer.code ?? ''} at ${answer.startedAtS} s (${answer.phase})`);
  }
  if (results.slow.length > 10) out(`slow: … ${results.slow.length - 10} more in the results file`);
  const byWhy = new Map<string, number>();
  for (const answer of results.unexpected) byWhy.set(`${answer.why} on ${answer.endpoint} (${answer.phase})`, (byWhy.get(`${answer.why} on ${answer.endpoint} (${answer.phase})`) ?? 0) + 1);
  for (const [why, n] of byWhy) out(`unexpected: ${n}× ${why}`);
  for (const event of results.processEvents) out(`process: ${event.process} at ${event.atS} s: ${event.event}`);
  for (const problem of results.problems) out(`problem: ${problem.split('\n')[0]}`);
}
