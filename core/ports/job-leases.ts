/**
 * Short leases on jobs, so that two workers do not run one job at the same time. A worker takes
 * a job's lease before it runs the job, renews it while the job runs and releases it at the end.
 * A lease expires by itself `ttlMs` after it was last taken or renewed, so one held by a worker
 * that died is free again within that time: it never keeps a job from running.
 */
export interface JobLeases {
  /** Takes the job's lease for `holder` unless another holder has it; true when taken (or already held by `holder`). */
  acquire(jobId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends `holder`'s lease by `ttlMs`; false when it has lapsed (expired, or taken by another since). */
  renew(jobId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if `holder` still has it; another holder's is left alone. */
  release(jobId: string, holder: string): Promise<void>;
  close(): Promise<void>;
}
