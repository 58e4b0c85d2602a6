import { useState } from 'react';
import type { JobListFilters } from '../api/api-client.js';
import type { BulkFilter, BulkKind, BulkTarget } from '../api/bulk-client.js';
import { useBulkOperation, useStartBulk } from '../api/bulk-queries.js';
import { describeError } from '../api/api-errors.js';
import { useMatchingCount } from '../api/job-queries.js';

const VERBS: Record<Exclude<BulkKind, 'replay'>, string> = { cancel: 'Cancel', retry: 'Retry' };

/** The list's filters a bulk action can take: search words and labels are the list's alone. */
function bulkFilter(filters: JobListFilters): BulkFilter | undefined {
  if (filters.q || filters.label) return undefined;
  const { state, job_type, schedule_id, submitted_after, submitted_before } = filters;
  return Object.fromEntries(Object.entries({ state, job_type, schedule_id, submitted_after, submitted_before }).filter(([, v]) => v)) as BulkFilter;
}

/**
 * Cancel or retry the selected jobs, or every job matching the list's filters, after a
 * confirmation that states how many; then the operation's progress until it is done.
 */
export function BulkActions({ filters, selected, onDone }: { filters: JobListFilters; selected: string[]; onDone: () => void }) {
  const [scope, setScope] = useState<'selection' | 'filter'>('selection');
  const [asking, setAsking] = useState<Exclude<BulkKind, 'replay'> | null>(null);
  const [operationId, setOperationId] = useState<string>();
  const filter = bulkFilter(filters);
  const byFilter = scope === 'filter' && filter !== undefined;
  const matching = useMatchingCount(filters, byFilter && asking !== null);
  const start = useStartBulk();
  const operation = useBulkOperation(operationId);

  const count = byFilter ? matching.data?.count : selected.length;
  const target: BulkTarget = byFilter ? { filter: filter! } : { job_ids: selected };
  const what = byFilter ? 'matching this filter' : 'selected';

  function confirm() {
    if (!asking) return;
    start.mutate(
      { kind: asking, target },
      {
        onSuccess: (accepted) => {
          setOperationId(accepted.operation_id);
          setAsking(null);
          onDone();
        },
      },
    );
  }

  if (selected.length === 0 && scope === 'selection' && !operationId) {
    return filter ? (
      <div className="bulk-bar">
        <button type="button" className="button-secondary button-small" onClick={() => setScope('filter')}>
          Select all matching this filter
        </button>
      </div>
    ) : null;
  }
  return (
    <section className="bulk-bar" aria-label="Act on many jobs">
      {(selected.length > 0 || byFilter) && (
        <p className="bulk-scope">
          {byFilter ? 'All jobs matching this filter' : `${selected.length} selected`}
          {filter && !byFilter && (
            <button type="button" className="button-secondary button-small" onClick={() => setScope('filter')}>
              Select all matching this filter
            </button>
          )}
          {byFilter && (
            <button type="button" className="button-secondary button-small" onClick={() => setScope('selection')}>
              Back to the selected rows
            </button>
          )}
        </p>
      )}
      {(selected.length > 0 || byFilter) && !asking && (
        <div className="bulk-buttons">
          {(Object.keys(VERBS) as Array<keyof typeof VERBS>).map((kind) => (
            <button key={kind} type="button" className="button-secondary" onClick={() => setAsking(kind)}>
              {VERBS[kind]} {what}
            </button>
          ))}
        </div>
      )}
      {asking && (
        <div role="alertdialog" aria-labelledby="bulk-confirm-text" className="bulk-confirm notice">
          <p id="bulk-confirm-text">
            {count === undefined
              ? `Counting the jobs ${what}…`
              : `${VERBS[asking]} ${count}${matching.data?.more ? '+' : ''} job${count === 1 ? '' : 's'}?` +
                (asking === 'retry' ? ' Only failed jobs are retried, each as a new job.' : ' Only queued and running jobs can be cancelled.')}
          </p>
          <button type="button" disabled={count === undefined || count === 0 || start.isPending} onClick={confirm}>
            {VERBS[asking]} {count ?? ''} job{count === 1 ? '' : 's'}
          </button>{' '}
          <button type="button" className="button-secondary" onClick={() => setAsking(null)}>
            Keep them
          </button>
          {start.isError && <p className="field-error">{describeError(start.error)}</p>}
        </div>
      )}
      <BulkProgress operation={operation.data} error={operation.error} />
    </section>
  );
}

function BulkProgress({ operation, error }: { operation: ReturnType<typeof useBulkOperation>['data']; error: unknown }) {
  if (error) return <p className="field-error">{describeError(error)}</p>;
  if (!operation) return null;
  const outcomes = Object.entries(operation.outcomes)
    .filter(([name, n]) => n > 0 && name !== 'pending')
    .map(([name, n]) => `${n} ${name.replaceAll('_', ' ')}`)
    .join(', ');
  return (
    <p role="status" className="bulk-progress" data-state={operation.state}>
      {operation.state === 'running' ? 'Working: ' : operation.state === 'finished' ? 'Done: ' : 'Interrupted: '}
      {operation.done} of {operation.matched} acted on{outcomes ? ` (${outcomes})` : ''}
      {operation.interrupted_reason ? ` — ${operation.interrupted_reason}` : ''}
    </p>
  );
}
