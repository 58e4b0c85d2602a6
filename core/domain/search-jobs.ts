import { JOB_SEARCH_SCAN_LIMIT, encodeCursor, type JobStatus, type ListJobsQuery } from '../../contracts/index.js';
import type { StatusPage, StatusStore } from '../ports/index.js';
import { guardDependency } from './guard-dependency.js';

/**
 * A search walks the status window newest first, so its cost grows with the jobs it passes over;
 * JOB_SEARCH_SCAN_LIMIT keeps one request's cost fixed however few jobs match.
 */
const SEARCH_SCAN_LIMIT = JOB_SEARCH_SCAN_LIMIT;
const SCAN_PAGE = 100;

export type SearchFilters = Pick<ListJobsQuery, 'submitted_after' | 'submitted_before' | 'q' | 'label'>;

/** Whether the query asks for more than the status store filters by itself. */
export function isSearch(query: ListJobsQuery): boolean {
  return Boolean(query.submitted_after || query.submitted_before || query.q || query.label);
}

/** Whether one status passes the search: time range, exact label, and every word of `q` in its label or id. */
export function matchesSearch(status: JobStatus, filters: SearchFilters): boolean {
  const submitted = status.submitted_at ?? '';
  if (filters.submitted_after && submitted < filters.submitted_after) return false;
  if (filters.submitted_before && submitted >= filters.submitted_before) return false;
  if (filters.label && status.label !== filters.label) return false;
  if (filters.q) {
    const haystack = `${status.label ?? ''} ${status.job_id ?? ''}`.toLowerCase();
    if (!filters.q.toLowerCase().split(/\s+/).every((word) => haystack.includes(word))) return false;
  }
  return true;
}

/**
 * One page of statuses passing the search, newest first, from the status window. The walk
 * starts at `submitted_before` (the listing is ordered by submission), stops at
 * `submitted_after`, and stops after SEARCH_SCAN_LIMIT statuses: the cursor then names the last
 * status read, so the next page goes on from there (a page may hold fewer items than `limit`, or
 * none, and still have a next_cursor).
 */
export async function searchStatuses(statuses: StatusStore, query: ListJobsQuery): Promise<StatusPage> {
  const found: JobStatus[] = [];
  let cursor = query.cursor ?? (query.submitted_before ? encodeCursor({ at: query.submitted_before, id: '' }) : undefined);
  let scanned = 0;
  for (;;) {
    const page = await guardDependency('status store', () =>
      statuses.listRecent({
        limit: Math.min(SCAN_PAGE, SEARCH_SCAN_LIMIT - scanned),
        ...(query.state ? { state: query.state } : {}),
        ...(query.job_type ? { job_type: query.job_type } : {}),
        ...(query.schedule_id ? { schedule_id: query.schedule_id } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    );
    for (const status of page.items) {
      scanned += 1;
      if (query.submitted_after && (status.submitted_at ?? '') < query.submitted_after) return { items: found, next_cursor: null };
      if (matchesSearch(status, query)) found.push(status);
      const position = encodeCursor({ at: status.submitted_at ?? '', id: status.job_id ?? '' });
      if (found.length === query.limit || scanned >= SEARCH_SCAN_LIMIT) {
        const more = page.next_cursor !== null || status !== page.items[page.items.length - 1];
        return { items: found, next_cursor: more ? position : null };
      }
    }
    if (page.next_cursor === null) return { items: found, next_cursor: null };
    cursor = page.next_cursor;
  }
}
