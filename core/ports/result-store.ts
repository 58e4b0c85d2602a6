import type { JobResultDocument, JobType } from '../../contracts/index.js';

export interface ResultPageQuery {
  final_state?: 'completed' | 'failed';
  job_type?: JobType;
  limit: number;
  cursor?: string;
}

export interface ResultPage {
  items: JobResultDocument[];
  next_cursor: string | null;
}

/**
 * Durable job results (MongoDB `dtq.job_results`). One document per job_id: saving the same
 * job again, or concurrently, keeps the first document and reports `inserted: false`.
 */
export interface ResultStore {
  save(result: JobResultDocument): Promise<{ inserted: boolean }>;
  get(jobId: string): Promise<JobResultDocument | null>;
  /** Newest completion first. */
  list(query: ResultPageQuery): Promise<ResultPage>;
  close(): Promise<void>;
}
