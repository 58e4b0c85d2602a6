import { useEffect, useId, useState } from 'react';
import type { DeadLetterSummary } from '../../../contracts/http-api.js';
import { describeError } from '../api/api-errors.js';
import { useBulkOperation, useStartBulk } from '../api/bulk-queries.js';
import { useDeadLetterPage, usePurgeDeadLetters, useReplayDeadLetter } from '../api/dead-letter-queries.js';
import { jobPath } from '../router.js';
import { ErrorNotice } from './ErrorNotice.js';
import { formatTime, shortId } from './format.js';
import { Link } from './Link.js';
import { TableScroll } from './TableScroll.js';
import { useSelection } from './use-selection.js';

/**
 * The dead-letter topic on a page of its own: each record's reason, source and first bytes;
 * replay one (as it is, or corrected), and replay or purge (mark handled) a selection. Handled
 * records are set aside unless asked for.
 */
export function DeadLettersPage() {
  useEffect(() => {
    document.title = 'dtq · dead letters';
  }, []);
  const [cursor, setCursor] = useState<string>();
  const [showHandled, setShowHandled] = useState(false);
  const { selected, toggle, clear } = useSelection();
  const [asking, setAsking] = useState<'replay' | 'purge' | null>(null);
  const [operationId, setOperationId] = useState<string>();
  const page = useDeadLetterPage(cursor);
  const purge = usePurgeDeadLetters();
  const bulk = useStartBulk();
  const operation = useBulkOperation(operationId);
  // A record replayed here stays in view with what became of it, though it is handled now.
  const [actedOn, setActedOn] = useState<ReadonlySet<string>>(new Set());
  const items = (page.data?.items ?? []).filter((letter) => showHandled || !letter.handled || actedOn.has(letter.id));
  const chosen = items.filter((letter) => selected.has(letter.id));
  const replayable = chosen.filter((letter) => letter.job_id);
  const count = asking === 'replay' ? replayable.length : chosen.length;
  function confirm() {
    if (asking === 'purge') purge.mutate(chosen.map((letter) => letter.id), { onSuccess: clear });
    if (asking === 'replay') {
      bulk.mutate(
        { kind: 'replay', target: { job_ids: replayable.map((letter) => letter.job_id!) } },
        { onSuccess: (accepted) => (setOperationId(accepted.operation_id), clear()) },
      );
    }
    setAsking(null);
  }
  const waiting = page.data ? page.data.total - (page.data.handled ?? 0) : undefined;
  return (
    <div className="dead-letter-page">
      <h1>
        Dead letters{' '}
        {waiting !== undefined && <span className={`count-badge${waiting > 0 ? ' count-badge-alert' : ''}`}>{waiting} waiting</span>}
      </h1>
      <p className="muted">
        Records on <code>{page.data?.topic ?? 'the dead-letter topic'}</code> that broke the contract or failed every attempt. Replay puts one back on its
        topic (corrected, if need be); purge marks it handled.
      </p>
      {page.isError && <ErrorNotice error={page.error} context="The dead letters could not be read" onRetry={() => void page.refetch()} />}
      <div className="bulk-bar">
        <label className="inline-check">
          <input type="checkbox" checked={showHandled} onChange={(event) => setShowHandled(event.target.checked)} /> Show handled
        </label>
        {chosen.length > 0 && !asking && (
          <>
            <span>{chosen.length} selected</span>
            <button type="button" className="button-secondary" disabled={replayable.length === 0} onClick={() => setAsking('replay')}>
              Replay selected
            </button>
            <button type="button" className="button-secondary" onClick={() => setAsking('purge')}>
              Purge selected
            </button>
          </>
        )}
      </div>
      {asking && (
        <div role="alertdialog" aria-labelledby="dlq-confirm-text" className="bulk-confirm notice">
          <p id="dlq-confirm-text">
            {asking === 'replay'
              ? `Replay ${count} dead letter${count === 1 ? '' : 's'} to their topics?${chosen.length > count ? ` (${chosen.length - count} name no job and are left out.)` : ''}`
              : `Mark ${count} dead letter${count === 1 ? '' : 's'} handled? They stay on the topic, set aside.`}
          </p>
          <button type="button" onClick={confirm}>
            {asking === 'replay' ? 'Replay' : 'Purge'} {count}
          </button>{' '}
          <button type="button" className="button-secondary" onClick={() => setAsking(null)}>
            Keep them
          </button>
        </div>
      )}
      {(purge.isError || bulk.isError) && <p className="field-error">{describeError(purge.error ?? bulk.error)}</p>}
      {operation.data && (
        <p role="status" className="bulk-progress" data-state={operation.data.state}>
          Replay {operation.data.state}: {operation.data.done} of {operation.data.matched} acted on
        </p>
      )}
      {page.data &&
        (items.length === 0 ? (
          <p className="muted">{page.data.total === 0 ? 'None: every record on the job topics passed the contract.' : 'None waiting: every dead letter here was handled.'}</p>
        ) : (
          <TableScroll label="Dead letters table">
            <table className="dense-table dead-letter-table" aria-label="Dead letters">
              <thead>
                <tr>
                  <th scope="col" className="select-cell">
                    <input
                      type="checkbox"
                      aria-label="Select every dead letter shown"
                      checked={items.every((letter) => selected.has(letter.id))}
                      onChange={(event) => toggle(items.map((letter) => letter.id), event.target.checked)}
                    />
                  </th>
                  <th scope="col">Reason</th>
                  <th scope="col">Source</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Job</th>
                  <th scope="col">Value</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((letter) => (
                  <DeadLetterRow
                    key={letter.id}
                    letter={letter}
                    selected={selected.has(letter.id)}
                    onSelect={(on) => toggle([letter.id], on)}
                    onReplayed={() => setActedOn((current) => new Set(current).add(letter.id))}
                  />
                ))}
              </tbody>
            </table>
          </TableScroll>
        ))}
      {(cursor || page.data?.next_cursor) && (
        <nav className="pager" aria-label="Pages of dead letters">
          {cursor && (
            <button type="button" className="button-secondary" onClick={() => setCursor(undefined)}>
              Newest
            </button>
          )}
          {page.data?.next_cursor && (
            <button type="button" className="button-secondary" onClick={() => setCursor(page.data.next_cursor!)}>
              Older
            </button>
          )}
        </nav>
      )}
    </div>
  );
}

/**
 * Where a dead letter came from, as far as its headers say: the topic, and its partition and
 * offset when recorded (a record dead-lettered by another producer may carry none of them).
 */
function deadLetterSource(letter: DeadLetterSummary): string {
  const parts = [letter.source_topic ?? 'source topic not recorded'];
  if (letter.source_partition !== null) parts.push(`partition ${letter.source_partition}`);
  if (letter.source_offset !== null) parts.push(`offset ${letter.source_offset}`);
  return parts.join(' · ');
}

/** The value as JSON to correct, when the listing holds all of it. */
function editableValue(letter: DeadLetterSummary): string {
  if (letter.value_bytes > new TextEncoder().encode(letter.value_preview).length) return '';
  try {
    return JSON.stringify(JSON.parse(letter.value_preview), null, 2);
  } catch {
    return letter.value_preview;
  }
}

interface DeadLetterRowProps {
  letter: DeadLetterSummary;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onReplayed: () => void;
}

function DeadLetterRow({ letter, selected, onSelect, onReplayed }: DeadLetterRowProps) {
  const replay = useReplayDeadLetter(onReplayed);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(() => editableValue(letter));
  const [draftError, setDraftError] = useState<string | null>(null);
  const editorId = useId();
  function replayCorrected() {
    try {
      const value = JSON.parse(draft) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the value must be a JSON object');
      setDraftError(null);
      replay.mutate({ id: letter.id, corrected: value as Record<string, unknown> });
    } catch (error) {
      setDraftError(`Not a JSON object: ${(error as Error).message}`);
    }
  }
  return (
    <>
      <tr data-dead-letter-id={letter.id} className={letter.handled ? 'row-handled' : undefined}>
        <td className="select-cell">
          <input type="checkbox" aria-label={`Select dead letter ${letter.id}`} checked={selected} onChange={(event) => onSelect(event.target.checked)} />
        </td>
        <td className="dead-letter-reason">
          {letter.reason ?? 'no reason recorded'}
          {letter.handled && <span className="handled-mark"> · {letter.handled.outcome}</span>}
        </td>
        <td>{deadLetterSource(letter)}</td>
        <td>
          <time dateTime={letter.failed_at}>{formatTime(letter.failed_at)}</time>
        </td>
        <td>{letter.job_id ? <Link to={jobPath(letter.job_id)}>{shortId(letter.job_id)}</Link> : '—'}</td>
        <td>
          <code className="dead-letter-value">{letter.value_preview}</code>
        </td>
        <td className="dead-letter-actions">
          <button type="button" className="button-secondary button-small" disabled={replay.isPending || replay.isSuccess} onClick={() => replay.mutate({ id: letter.id })}>
            {replay.isPending ? 'Replaying…' : replay.isSuccess ? 'Replayed' : 'Replay'}
          </button>
          <button type="button" className="button-secondary button-small" aria-expanded={editing} aria-controls={editorId} onClick={() => setEditing(!editing)}>
            Correct…
          </button>
          <span aria-live="polite">
            {replay.isSuccess && (
              <>
                Back on {replay.data.topic}: <Link to={jobPath(replay.data.job_id)}>view the job</Link>
              </>
            )}
            {replay.isError && <span className="field-error">{describeError(replay.error)}</span>}
          </span>
        </td>
      </tr>
      {editing && (
        <tr className="dead-letter-editor-row">
          <td colSpan={7} id={editorId}>
            <div className="field">
              <label htmlFor={`${editorId}-value`}>Corrected value of {letter.id} (the job message, same job id)</label>
              <textarea id={`${editorId}-value`} rows={10} spellCheck={false} value={draft} onChange={(event) => setDraft(event.target.value)} />
              {draftError && <p className="field-error">{draftError}</p>}
            </div>
            <button type="button" disabled={replay.isPending || replay.isSuccess} onClick={replayCorrected}>
              Replay corrected
            </button>
          </td>
        </tr>
      )}
    </>
  );
}
