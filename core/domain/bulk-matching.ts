import { MAX_BULK_MATCHED, UuidV4Schema, type BulkFilter, type BulkKind, type JobState, type JobStatus } from '../../contracts/index.js';
import { InvalidBodyError } from '../errors/index.js';
import type { BulkSelector, BulkTarget, DeadLetters, StatusStore } from '../ports/index.js';
import { guardDependency } from './guard-dependency.js';

/** Index entries a filter reads per page of the status listing. */
const MATCH_PAGE = 100;

/** The states a kind acts on: a filter may narrow to one of them, never widen past them. */
export const BULK_STATES: Record<Exclude<BulkKind, 'replay'>, readonly JobState[]> = {
  cancel: ['queued', 'running'],
  retry: ['failed'],
};

/** Refuses a filter's state the kind cannot act on (dead letters have none at all). */
export function checkFilterForKind(kind: BulkKind, filter: BulkFilter | undefined): void {
  if (filter?.state === undefined) return;
  if (kind === 'replay') throw new InvalidBodyError([{ field: 'filter.state', message: 'dead letters have no state: leave it out' }]);
  const allowed = BULK_STATES[kind];
  if (!allowed.includes(filter.state)) {
    throw new InvalidBodyError([{ field: 'filter.state', message: `a bulk ${kind} acts on ${allowed.join(' or ')} jobs only` }]);
  }
}

/**
 * The targets of a cancel or retry: the named jobs as named (each once), or every job in the
 * 24 h status window that passes the filter and is in a state the kind acts on, newest first.
 */
export async function matchJobs(statuses: StatusStore, kind: Exclude<BulkKind, 'replay'>, selector: BulkSelector): Promise<BulkTarget[]> {
  if (selector.job_ids) return [...new Set(selector.job_ids.map((id) => id.toLowerCase()))].map((job_id, seq) => ({ seq, job_id }));
  const filter = selector.filter ?? {};
  const states = filter.state ? [filter.state] : BULK_STATES[kind];
  const targets: BulkTarget[] = [];
  let cursor: string | undefined;
  do {
    const page = await guardDependency('status store', () =>
      statuses.listRecent({
        limit: MATCH_PAGE,
        ...(states.length === 1 ? { state: states[0] } : {}),
        ...(filter.job_type ? { job_type: filter.job_type } : {}),
        ...(filter.schedule_id ? { schedule_id: filter.schedule_id.toLowerCase() } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
    for (const status of page.items) {
      if (states.includes(status.state) && submittedWithin(status, filter)) addTarget(targets, { seq: targets.length, job_id: status.job_id ?? null });
    }
    // Newest submission first: once past submitted_after, nothing older can match.
    const oldest = page.items.at(-1)?.submitted_at;
    if (filter.submitted_after && oldest && oldest < filter.submitted_after) break;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return targets;
}

/**
 * The targets of a replay: dead letters, newest first, one per job (its newest), whose value
 * names a job that was named, or passes the filter. A filter field a record's value does not
 * carry (it is not JSON, say) does not match.
 */
export async function matchDeadLetters(deadLetters: DeadLetters, selector: BulkSelector): Promise<BulkTarget[]> {
  const wanted = selector.job_ids ? new Set(selector.job_ids.map((id) => id.toLowerCase())) : undefined;
  const filter = selector.filter ?? {};
  const seen = new Set<string>();
  const targets: BulkTarget[] = [];
  let cursor: string | undefined;
  do {
    const page = await guardDependency('dead-letter topic', () => deadLetters.list({ limit: MATCH_PAGE, ...(cursor ? { cursor } : {}) }));
    for (const record of page.items) {
      const job = readJob(record.value);
      const jobId = job.job_id ?? null;
      if (jobId && seen.has(jobId)) continue;
      const matches = wanted ? jobId !== null && wanted.has(jobId) : matchesDeadLetter(job, filter);
      if (!matches) continue;
      if (jobId) seen.add(jobId);
      addTarget(targets, { seq: targets.length, job_id: jobId, dead_letter_id: record.id });
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return targets;
}

function addTarget(targets: BulkTarget[], target: BulkTarget): void {
  if (targets.length >= MAX_BULK_MATCHED) {
    throw new InvalidBodyError([{ field: 'filter', message: `matches more than ${MAX_BULK_MATCHED} jobs: narrow it (job_type, schedule_id, submitted_after, submitted_before)` }]);
  }
  targets.push(target);
}

function submittedWithin(status: Pick<JobStatus, 'submitted_at'>, filter: BulkFilter): boolean {
  const at = status.submitted_at;
  if (filter.submitted_after && (!at || at < filter.submitted_after)) return false;
  if (filter.submitted_before && (!at || at >= filter.submitted_before)) return false;
  return true;
}

interface DeadJob {
  job_id?: string;
  job_type?: string;
  schedule_id?: string;
  submitted_at?: string;
}

function matchesDeadLetter(job: DeadJob, filter: BulkFilter): boolean {
  if (filter.job_type && job.job_type !== filter.job_type) return false;
  if (filter.schedule_id && job.schedule_id?.toLowerCase() !== filter.schedule_id.toLowerCase()) return false;
  if ((filter.submitted_after || filter.submitted_before) && !job.submitted_at) return false;
  return submittedWithin({ submitted_at: job.submitted_at as string }, filter);
}

/** The job fields a dead letter's value carries, as far as they can be read. */
function readJob(value: Buffer): DeadJob {
  try {
    const body = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
    if (body === null || typeof body !== 'object') return {};
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
    const jobId = UuidV4Schema.safeParse(body.job_id);
    return {
      ...(jobId.success ? { job_id: jobId.data.toLowerCase() } : {}),
      ...(text('job_type') ? { job_type: text('job_type') } : {}),
      ...(text('schedule_id') ? { schedule_id: text('schedule_id') } : {}),
      ...(text('submitted_at') ? { submitted_at: text('submitted_at') } : {}),
    };
  } catch {
    return {};
  }
}
