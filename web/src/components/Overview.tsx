import { JOB_STATES } from '../../../contracts/common.js';
import type { DeadLetterSummary, StatsResponse } from '../../../contracts/http-api.js';
import { describeError, isApiError } from '../api/api-errors.js';
import { useDeadLetters, useReplayDeadLetter, useStats } from '../api/overview-queries.js';
import { jobPath } from '../router.js';
import { ErrorNotice } from './ErrorNotice.js';
import { formatTime, shortId } from './format.js';
import { Link } from './Link.js';

/** Counts per state, an hour of jobs ended per minute, and the dead letters with a Replay each. */
export function Overview() {
  const stats = useStats();
  const deadLetters = useDeadLetters();
  return (
    <section className="card overview" aria-labelledby="overview-heading">
      <h2 id="overview-heading">Overview</h2>
      {stats.isError && <OverviewError error={stats.error} context="The counts could not be read" onRetry={() => void stats.refetch()} />}
      {stats.data && (
        <>
          <dl className="counts" aria-label="Jobs in the last 24 hours by state">
            {JOB_STATES.map((state) => (
              <div key={state} className={`count count-${state}`}>
                <dt>{state}</dt>
                <dd>{stats.data.by_state[state]}</dd>
              </div>
            ))}
          </dl>
          <LastHour perMinute={stats.data.per_minute} />
        </>
      )}
      <h3 id="dead-letters-heading">
        Dead letters{deadLetters.data ? <span className="count-badge">{deadLetters.data.total}</span> : null}
      </h3>
      {deadLetters.isError && (
        <OverviewError error={deadLetters.error} context="The dead letters could not be read" onRetry={() => void deadLetters.refetch()} />
      )}
      {deadLetters.data &&
        (deadLetters.data.items.length === 0 ? (
          <p className="muted">None: every record on the job topics passed the contract.</p>
        ) : (
          <ul className="dead-letters" aria-labelledby="dead-letters-heading">
            {deadLetters.data.items.map((letter) => (
              <DeadLetterItem key={letter.id} letter={letter} />
            ))}
          </ul>
        ))}
    </section>
  );
}

/** The jobs list asks for an API key; here a refused request only says so. */
function OverviewError({ error, context, onRetry }: { error: unknown; context: string; onRetry: () => void }) {
  if (isApiError(error, 'UNAUTHORIZED') || isApiError(error, 'FORBIDDEN')) return <p className="muted">Shown once an API key is accepted.</p>;
  return <ErrorNotice error={error} context={context} onRetry={onRetry} />;
}

function LastHour({ perMinute }: { perMinute: StatsResponse['per_minute'] }) {
  const completed = perMinute.reduce((sum, minute) => sum + minute.completed, 0);
  const failed = perMinute.reduce((sum, minute) => sum + minute.failed, 0);
  const peak = Math.max(1, ...perMinute.map((minute) => minute.completed + minute.failed));
  const summary = `Last hour: ${completed} completed, ${failed} failed`;
  return (
    <figure className="last-hour">
      <svg viewBox={`0 0 ${perMinute.length * 4} 40`} preserveAspectRatio="none" role="img" aria-label={`${summary}, per minute`}>
        {perMinute.map((minute, i) => {
          const ok = (minute.completed / peak) * 40;
          const bad = (minute.failed / peak) * 40;
          return (
            <g key={minute.minute}>
              <rect x={i * 4} y={40 - ok} width={3} height={ok} className="bar-completed" />
              <rect x={i * 4} y={40 - ok - bad} width={3} height={bad} className="bar-failed" />
            </g>
          );
        })}
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
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

function DeadLetterItem({ letter }: { letter: DeadLetterSummary }) {
  const replay = useReplayDeadLetter();
  return (
    <li className="dead-letter" data-dead-letter-id={letter.id}>
      <p className="dead-letter-reason">{letter.reason ?? 'no reason recorded'}</p>
      <p className="muted dead-letter-meta">
        {deadLetterSource(letter)} ·{' '}
        <time dateTime={letter.failed_at}>{formatTime(letter.failed_at)}</time>
        {letter.job_id && (
          <>
            {' '}
            · job <Link to={jobPath(letter.job_id)}>{shortId(letter.job_id)}</Link>
          </>
        )}
      </p>
      <code className="dead-letter-value">{letter.value_preview}</code>
      <div className="dead-letter-actions">
        <button type="button" className="button-secondary" disabled={replay.isPending || replay.isSuccess} onClick={() => replay.mutate(letter.id)}>
          {replay.isPending ? 'Replaying…' : replay.isSuccess ? 'Replayed' : 'Replay'}
        </button>
        <span aria-live="polite">
          {replay.isSuccess && (
            <>
              Back on {replay.data.topic}: <Link to={jobPath(replay.data.job_id)}>view the job</Link>
            </>
          )}
          {replay.isError && <span className="field-error">{describeError(replay.error)}</span>}
        </span>
      </div>
    </li>
  );
}
