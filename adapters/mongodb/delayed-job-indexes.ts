import type { IndexDescription } from 'mongodb';

export const DELAYED_JOBS_COLLECTION = 'delayed_jobs';
/** The claim markers of the hand-over (adapters/mongodb/mongo-delayed-jobs.ts): found by _id only, cleared by slot. */
export const DELAYED_JOB_CLAIMS_COLLECTION = 'delayed_job_claims';

/**
 * The indexes of `delayed_jobs` (bicep/modules/cosmos-mongo.bicep declares the same; a test
 * compares them). `{due_at: 1}` serves the hand-over's one query, "held jobs due now, earliest
 * first": due_at is a job's run_at until it is claimed, then the end of its claim's lease, so
 * one range on one field finds jobs due and claims lapsed alike. Every other operation is by `_id`
 * (the job id). No TTL index: FerretDB has none, and a held job must never expire unhanded.
 */
export const DELAYED_JOB_INDEXES: readonly IndexDescription[] = [{ key: { due_at: 1 } }];
