import { useEffect, useState } from 'react';
import type { JobListFilters } from '../api/api-client.js';
import { allItems, useJobsList } from '../api/job-queries.js';
import { ErrorNotice } from './ErrorNotice.js';
import { JobFilters } from './JobFilters.js';
import { JobListItem } from './JobListItem.js';
import { JobSearch } from './JobSearch.js';
import { readUrlFilters, writeUrlFilters } from '../url-filters.js';

/** Recent jobs from GET /v1/jobs, live while any of them is still queued or running; the filters live in the address. */
export function JobsList() {
  const [filters, setFilters] = useState<JobListFilters>(() => readUrlFilters(window.location.search));
  useEffect(() => writeUrlFilters(filters), [filters]);
  const list = useJobsList(filters);
  const items = allItems(list.data);
  const filtered = Boolean(filters.state || filters.job_type);

  return (
    <section className="jobs" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">Recent jobs</h2>
      <JobSearch />
      <JobFilters value={filters} onChange={setFilters} />
      {list.isError && (
        <ErrorNotice
          error={list.error}
          context={list.data ? 'The list could not be refreshed' : 'The jobs could not be loaded'}
          onRetry={() => void list.refetch()}
        />
      )}
      {list.isPending ? (
        <p className="muted">Loading jobs…</p>
      ) : items.length === 0 ? (
        list.isSuccess && <p className="muted">{filtered ? 'No jobs match these filters.' : 'No jobs in the last 24 hours. Submit one.'}</p>
      ) : (
        <ul className="job-list" aria-label="Jobs">
          {items.map((job) => (
            <JobListItem key={job.job_id} job={job} />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button type="button" className="button-secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          Show older jobs
        </button>
      )}
    </section>
  );
}
