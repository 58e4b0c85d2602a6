import { useState, type ReactNode } from 'react';
import type { JobSummary } from '../../../contracts/http-api.js';
import { isTerminal } from '../api/job-queries.js';
import { jobPath } from '../router.js';
import { formatDuration, formatTime, shortId } from './format.js';
import { jobName } from './job-name.js';
import { Link } from './Link.js';
import { TableScroll } from './TableScroll.js';
import { ProgressBar } from './ProgressBar.js';
import { StateBadge } from './StateBadge.js';

type SortKey = 'name' | 'state' | 'progress' | 'submitted' | 'duration';
const COLUMNS: Array<[SortKey, string]> = [
  ['name', 'Job'],
  ['state', 'State'],
  ['progress', 'Progress'],
  ['submitted', 'Submitted'],
  ['duration', 'Took'],
];

const durationMs = (job: JobSummary) => (isTerminal(job.state) ? Date.parse(job.updated_at) - Date.parse(job.submitted_at) : Number.POSITIVE_INFINITY);
const SORTERS: Record<SortKey, (a: JobSummary, b: JobSummary) => number> = {
  name: (a, b) => jobName(a).localeCompare(jobName(b)),
  state: (a, b) => a.state.localeCompare(b.state),
  progress: (a, b) => a.progress_percent - b.progress_percent,
  submitted: (a, b) => a.submitted_at.localeCompare(b.submitted_at),
  duration: (a, b) => durationMs(a) - durationMs(b),
};

export interface JobsTableProps {
  items: JobSummary[];
  selected: ReadonlySet<string>;
  onSelect: (jobIds: string[], selected: boolean) => void;
  /** Filters the list by a row's label. */
  onLabel: (label: string) => void;
  busy: boolean;
}

/**
 * The page of jobs as a dense table. The API gives them newest first; a click on a column
 * heading sorts this page by it (again: the other way), without asking the API again.
 */
export function JobsTable({ items, selected, onSelect, onLabel, busy }: JobsTableProps) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean } | null>(null);
  const rows = sort ? [...items].sort((a, b) => (sort.descending ? -1 : 1) * SORTERS[sort.key](a, b)) : items;
  const allSelected = items.length > 0 && items.every((job) => selected.has(job.job_id));
  return (
    <TableScroll label="Jobs table">
      <table className="jobs-table" aria-label="Jobs" aria-busy={busy}>
        <thead>
          <tr>
            <th scope="col" className="select-cell">
              <input
                type="checkbox"
                aria-label="Select every job on this page"
                checked={allSelected}
                onChange={(event) => onSelect(items.map((job) => job.job_id), event.target.checked)}
              />
            </th>
            {COLUMNS.map(([key, title]) => {
              const active = sort?.key === key;
              return (
                <th key={key} scope="col" aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="sort-button" onClick={() => setSort({ key, descending: active ? !sort.descending : key === 'submitted' })}>
                    {title}
                    <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                </th>
              );
            })}
            <th scope="col">Id · error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((job) => (
            <JobRow key={job.job_id} job={job} selected={selected.has(job.job_id)} onSelect={onSelect} onLabel={onLabel} />
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function JobRow({ job, selected, onSelect, onLabel }: { job: JobSummary; selected: boolean; onSelect: JobsTableProps['onSelect']; onLabel: JobsTableProps['onLabel'] }) {
  const name = jobName(job);
  const stored = job.source === 'results';
  return (
    <tr data-job-id={job.job_id} data-state={job.state} className={selected ? 'row-selected' : undefined}>
      <td className="select-cell">
        <input type="checkbox" aria-label={`Select ${name}`} checked={selected} onChange={(event) => onSelect([job.job_id], event.target.checked)} />
      </td>
      <td className="job-cell">
        <Link to={jobPath(job.job_id)} className="job-link">
          {name}
        </Link>
        {job.label && (
          <button type="button" className="label-filter" title="Show only jobs with this label" aria-label={`Show only jobs labelled ${job.label}`} onClick={() => onLabel(job.label!)}>
            ⌕
          </button>
        )}
        {stored && <span className="job-source">older than 24 h: from the stored result</span>}
      </td>
      <td>
        <StateBadge state={job.state} />
      </td>
      <td className="progress-cell">
        {stored ? '—' : <ProgressBar percent={job.progress_percent} state={job.state} message={job.message} label={`Progress of ${name}`} />}
      </td>
      <td>
        <time dateTime={job.submitted_at}>{formatTime(job.submitted_at)}</time>
        {job.run_at && job.state === 'queued' && (
          <span className="job-starts-at">
            starts <time dateTime={job.run_at}>{formatTime(job.run_at)}</time>
          </span>
        )}
      </td>
      <td className="job-duration">{isTerminal(job.state) ? `took ${formatDuration(job.submitted_at, job.updated_at)}` : '—'}</td>
      <td>
        <code className="job-short-id">{shortId(job.job_id)}</code>
        {job.error_code && (
          <>
            {' '}
            <code className="error-code">{breakableCode(job.error_code)}</code>
          </>
        )}
        {job.priority && job.priority !== 'normal' && (
          <>
            {' '}
            <span className={`job-priority job-priority-${job.priority}`}>{job.priority} priority</span>
          </>
        )}
      </td>
    </tr>
  );
}

/**
 * An error code that a narrow cell may wrap only after its underscores (`PROVIDER_` then
 * `TIMEOUT`), never inside a word.
 */
function breakableCode(code: string): ReactNode[] {
  return code.split('_').flatMap((part, index) => (index === 0 ? [part] : ['_', <wbr key={index} />, part]));
}
