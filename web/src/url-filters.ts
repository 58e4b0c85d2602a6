import { JobStateSchema } from '../../contracts/common.js';
import { JobTypeSchema } from '../../contracts/job-types.js';
import type { JobListFilters } from './api/api-client.js';

/** The list filters the address bar names (`/?state=failed&job_type=weather`); unknown values are ignored. */
export function readUrlFilters(search: string): JobListFilters {
  const query = new URLSearchParams(search);
  const state = JobStateSchema.safeParse(query.get('state'));
  const type = JobTypeSchema.safeParse(query.get('job_type'));
  return { ...(state.success ? { state: state.data } : {}), ...(type.success ? { job_type: type.data } : {}) };
}

/** Puts the filters into the address bar without a new history entry, so a reload or a shared link keeps them. */
export function writeUrlFilters(filters: JobListFilters): void {
  const query = new URLSearchParams();
  if (filters.state) query.set('state', filters.state);
  if (filters.job_type) query.set('job_type', filters.job_type);
  const search = query.size > 0 ? `?${query}` : '';
  if (search !== window.location.search) window.history.replaceState(null, '', `${window.location.pathname}${search}`);
}
