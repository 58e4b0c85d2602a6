import type { JobResultDocument } from '../../contracts/index.js';
import type { ResultPage, ResultPageQuery, ResultStore } from '../../core/ports/index.js';
import { compareNewestFirst, takePage } from '../shared/page-cursor.js';

/** Results in process memory: first save of a job wins, later ones change nothing. */
export class MemoryResultStore implements ResultStore {
  private readonly results = new Map<string, JobResultDocument>();

  async save(result: JobResultDocument): Promise<{ inserted: boolean }> {
    if (this.results.has(result.job_id)) return { inserted: false };
    this.results.set(result.job_id, structuredClone(result));
    return { inserted: true };
  }

  async get(jobId: string): Promise<JobResultDocument | null> {
    const result = this.results.get(jobId);
    return result ? structuredClone(result) : null;
  }

  async list(query: ResultPageQuery): Promise<ResultPage> {
    const matching = [...this.results.values()].filter(
      (r) => (!query.final_state || r.final_state === query.final_state) && (!query.job_type || r.job_type === query.job_type),
    );
    const position = (r: JobResultDocument) => ({ at: r.completed_at, id: r.job_id });
    matching.sort((a, b) => compareNewestFirst(position(a), position(b)));
    const page = takePage(matching, position, query.limit, query.cursor);
    return { items: page.items.map((r) => structuredClone(r)), next_cursor: page.next_cursor };
  }

  async close(): Promise<void> {}
}
