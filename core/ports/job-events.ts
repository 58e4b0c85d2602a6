import type { JobEvent } from '../../contracts/index.js';

/** One job event as the log keeps it: its id (`<ms>-<seq>`, increasing per job) and the event. */
export interface JobEventRecord {
  id: string;
  event: JobEvent;
}

/**
 * Each job's status changes, kept as a short per-job log (as long as the status lives) and
 * fanned out live to every API process. Writers (the worker, the API's submit and cancel)
 * `append`; an API process `follow`s the live feed and reads `history` to resume a stream.
 * The live feed is at most once (a lost connection loses messages): a reader re-reads the
 * history after `onResync`, and the log is the truth.
 */
export interface JobEvents {
  /** Appends the event to its job's log and publishes it; answers the id it got. */
  append(event: JobEvent): Promise<string>;
  /** The job's logged events with ids after `afterId` (all when undefined), oldest first. */
  history(jobId: string, afterId?: string): Promise<JobEventRecord[]>;
  /**
   * Calls `listener` with every event appended from now on, by any process; `onResync` after
   * the feed was interrupted (events may have been missed). Answers once the feed is live.
   */
  follow(listener: (record: JobEventRecord) => void, onResync?: () => void): Promise<() => void>;
  close(): Promise<void>;
}

/** Orders event ids `<ms>-<seq>`: negative when `a` came first. */
export function compareEventIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}
