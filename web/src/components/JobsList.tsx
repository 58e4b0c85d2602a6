import { useEffect, useRef } from 'react';
import { useJobsPage } from '../api/job-queries.js';
import { useListView } from '../url-filters.js';
import { ErrorNotice } from './ErrorNotice.js';
import { JobFilters } from './JobFilters.js';
import { BulkActions } from './BulkActions.js';
import { JobSearch } from './JobSearch.js';
import { JobSearchFilters } from './JobSearchFilters.js';
import { JobsTable } from './JobsTable.js';
import { useSelection } from './use-selection.js';

/**
 * Recent jobs from GET /v1/jobs, one page at a time, live while any of them is still queued or
 * running; the filters and the page live in the address.
 */
export function JobsList() {
  const [view, setView] = useListView();
  const list = useJobsPage(view.filters, view.cursor);
  const items = list.data?.items ?? [];
  const filtered = Object.values(view.filters).some(Boolean);
  const { selected, toggle: select, clear } = useSelection();
  const setFilters = (filters: typeof view.filters) => {
    clear();
    setView({ filters, page: 1 }, 'replace');
  };
  const nextCursor = list.isPlaceholderData ? null : list.data?.next_cursor;
  const heading = useRef<HTMLHeadingElement>(null);
  const shownPage = useRef(view.cursor);
  // After a move to another page, keyboard and screen reader users start at the list's top.
  useEffect(() => {
    if (shownPage.current === view.cursor) return;
    shownPage.current = view.cursor;
    heading.current?.focus();
  }, [view.cursor]);

  return (
    <section className="jobs" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading" ref={heading} tabIndex={-1}>Recent jobs{view.page > 1 ? ` · page ${view.page}` : ''}</h2>
      <JobSearch />
      <JobFilters value={view.filters} onChange={setFilters} />
      <JobSearchFilters key={JSON.stringify(view.filters)} value={view.filters} onChange={setFilters} />
      <BulkActions filters={view.filters} selected={[...selected]} onDone={clear} />
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
        list.isSuccess && <p className="muted">{emptyText(filtered, view.page)}</p>
      ) : (
        <JobsTable
          items={items}
          selected={selected}
          onSelect={select}
          onLabel={(label) => setFilters({ ...view.filters, label })}
          busy={list.isPlaceholderData}
        />
      )}
      {(view.page > 1 || nextCursor) && (
        <nav className="pager" aria-label="Pages of jobs">
          {view.page > 1 && (
            <button type="button" className="button-secondary" onClick={() => setView({ filters: view.filters, page: 1 }, 'push')}>
              Newest jobs
            </button>
          )}
          {nextCursor && (
            <button type="button" className="button-secondary" onClick={() => setView({ filters: view.filters, page: view.page + 1, cursor: nextCursor }, 'push')}>
              Older jobs
            </button>
          )}
        </nav>
      )}
    </section>
  );
}

function emptyText(filtered: boolean, page: number): string {
  if (page > 1) return 'No older jobs on this page.';
  return filtered ? 'No jobs match these filters.' : 'No jobs yet. Submit one.';
}
