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
  machine: { date: string; cores: number; cpuModel: string; node: string; loadBefore: number; loadAfter: number; commit: string; uncommitted: string[] };
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
  /** The first 100 answers slower than their deadline. */
  slow: AnswerView[];
  slowCount: number;
  unexpected: (AnswerView & { why: string })[];
  unexpectedCount: number;
  /** Every unexpected answer by kind, endpoint and phase. */
  unexpectedSummary: Record<string, number>;
  processEvents: ProcessEvent[];
  /** /readyz of every dtq process after the drain: 200 is recovered without a restart. */
  readinessAtEnd: Record<string, number>;
  details: { lost: unknown[]; duplicated: unknown[]; unannounced: string[]; disagreements: unknown[] };
  problems: string[];
  checks?: { name: string; met: boolean; got: string }[];
  durationSeconds: number;
}

const pad = (cells: (string | number)[], widths: number[]) => cells.map((cell, i) => String(cell).padEnd(widths[i]!)).join('  ');
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([outcome, n]) => `${outcome}×${n}`)
    .join(' ') || '—';

/** The bars of issue 13's "done when", each with what this run got. */
export function checks(results: ChaosResults): { name: string; met: boolean; got: string }[] {
  const { jobs } = results;
  const unrecovered = results.steps.filter((step) => step.recovery.recoveredAfterS === null).map((step) => step.name);
  const notReady = Object.entries(results.readinessAtEnd).filter(([, status]) => status !== 200);
  return [
    { name: 'no accepted job lost', met: jobs.lost === 0 && jobs.accepted > 0, got: `${jobs.lost} of ${jobs.accepted}` },
    { name: 'no duplicated result', met: jobs.duplicated === 0, got: `${jobs.duplicated} job_ids with >1 document` },
    { name: 'no job that no 202 announced', met: jobs.unannounced <= jobs.abandonedSubmits, got: `${jobs.unannounced} (${jobs.abandonedSubmits} submits given up)` },
    { name: 'final status agrees with the result', met: jobs.statusDisagreements === 0, got: String(jobs.statusDisagreements) },
    { name: 'no answer slower than its deadline', met: results.slowCount === 0, got: `${results.slowCount}; slowest ${results.slowest?.latencyMs ?? '—'} ms` },
    { name: 'no hang, no 5xx but 503/504, no unexpected 4xx', met: results.unexpectedCount === 0, got: String(results.unexpectedCount) },
    { name: 'recovered after every fault', met: unrecovered.length === 0, got: unrecovered.length === 0 ? 'all' : `not: ${unrecovered.join(', ')}` },
    { name: 'every process ready at the end, none exited by itself', met: notReady.length === 0 && !results.processEvents.some((event) => event.event.startsWith('exited')), got: notReady.length === 0 ? 'yes' : notReady.map(([name, status]) => `${name} ${status}`).join(', ') },
  ];
}

export function printReport(results: ChaosResults, out: (line: string) => void): void {
  const { jobs } = results;
  out('');
  const { machine } = results;
  const tree = machine.uncommitted.length > 0 ? ` with ${machine.uncommitted.length} uncommitted file(s)` : '';
  out(`chaos ${results.runId}: ${results.durationSeconds} s at ${machine.commit.slice(0, 7)}${tree}, load ${machine.loadBefore} → ${machine.loadAfter}`);
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
  const widths = [26, 7, 9, 8, 10, 10, 11, 40];
  out(pad(['fault', 'held s', 'restore s', 'backlog', 'submit ok', 'drained', 'recovered', 'answers during the fault'], widths));
  for (const step of results.steps) {
    const r = step.recovery;
    out(
      pad(
        [step.name, step.heldS, r.restoreTookS, r.backlogAtRestore, r.submitOkAfterS ?? 'never', r.drainedAfterS ?? 'never', r.recoveredAfterS ?? 'NO', counts(step.answersDuringFault)],
        widths,
      ),
    );
  }
  out('(backlog: accepted jobs without a result at the restore; then seconds after the restore until a submit sent after it');
  out(' is accepted, until every job accepted before it has its result, and the later of the two)');
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
  if (results.slowCount > 10) out(`slow: … ${results.slowCount - 10} more (the first 100 in the results file)`);
  for (const [kind, n] of Object.entries(results.unexpectedSummary)) out(`unexpected: ${n}× ${kind}`);
  const readiness = Object.entries(results.readinessAtEnd);
  if (readiness.length > 0) out(`readiness at the end: ${readiness.map(([name, status]) => `${name} ${status || 'no answer'}`).join(', ')}`);
  for (const event of results.processEvents) out(`process: ${event.process} at ${event.atS} s: ${event.event}`);
  for (const problem of results.problems) out(`problem: ${problem.split('\n')[0]}`);
  out('');
  for (const check of checks(results)) out(`${check.met ? 'met   ' : 'MISSED'}  ${check.name}: ${check.got}`);
}
