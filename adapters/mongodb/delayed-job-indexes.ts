import type { IndexDescription } from 'mongodb';

export const DELAYED_JOBS_COLLECTION = 'delayed_jobs';
/** The claim markers of the hand-over (adapters/mongodb/mongo-delayed-jobs.ts): one per claimed job, `_id` the job id, deleted when its lease ends. */
export const DELAYED_JOB_CLAIMS_COLLECTION = 'delayed_job_claims';

/**
 * The indexes of `delayed_jobs` (bicep/modules/cosmos-mongo.bicep declares the same; a test
 * compares them). `{due_at: 1}` serves the hand-over's one query, "held jobs due now, earliest
 * first": due_at is the job's run_at (claims are markers in delayed_job_claims, so a held job
 * is written once, at submit). Every other operation is by `_id`
 * (the job id). No TTL index: FerretDB has none, and a held job must never expire unhanded.
 */
export const DELAYED_JOB_INDEXES: readonly IndexDescription[] = [{ key: { due_at: 1 } }];
