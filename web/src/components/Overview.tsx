import { JOB_STATES } from '../../../contracts/common.js';
import type { StatsResponse } from '../../../contracts/http-api.js';
import { isApiError } from '../api/api-errors.js';
import { useDeadLetterCount, useStats } from '../api/overview-queries.js';
import { useListView } from '../url-filters.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Link } from './Link.js';

/**
 * Counts per state (each a button that filters the jobs list by its state, and again to clear
 * it), an hour of jobs ended per minute, and how many dead letters wait, linking to their page.
 */
export function Overview() {
  const stats = useStats();
  const deadLetters = useDeadLetterCount();
  const [view, setView] = useListView();
  const filterBy = (state: (typeof JOB_STATES)[number]) => {
    const { state: current, ...rest } = view.filters;
    setView({ filters: current === state ? rest : { ...rest, state }, page: 1 }, 'replace');
  };
  return (
    <section className="card overview" aria-labelledby="overview-heading">
      <h2 id="overview-heading">Overview</h2>
      {stats.isError && <OverviewError error={stats.error} context="The counts could not be read" onRetry={() => void stats.refetch()} />}
      {stats.data && (
        <>
          <ul className="counts" aria-label="Jobs in the last 24 hours by state">
            {JOB_STATES.map((state) => (
              <li key={state} className={`count count-${state}`}>
                <button type="button" className="count-button" aria-pressed={view.filters.state === state} onClick={() => filterBy(state)}>
                  <span className="count-name">{state}</span>
                  <span className="count-value">{stats.data.by_state[state]}</span>
                </button>
              </li>
            ))}
          </ul>
          <LastHour perMinute={stats.data.per_minute} />
        </>
      )}
      <h3 id="dead-letters-heading">Dead letters</h3>
      {deadLetters.isError && (
        <OverviewError error={deadLetters.error} context="The dead letters could not be read" onRetry={() => void deadLetters.refetch()} />
      )}
      {deadLetters.data && (
        <p>
          <Link to="/dead-letters">
            {deadLetters.data.waiting === 0 ? 'None waiting' : `${deadLetters.data.waiting} waiting`}
          </Link>
          <span className={`count-badge${deadLetters.data.waiting > 0 ? ' count-badge-alert' : ''}`} aria-hidden="true">
            {deadLetters.data.waiting}
          </span>
          {deadLetters.data.total > deadLetters.data.waiting && <span className="muted"> · {deadLetters.data.total - deadLetters.data.waiting} handled</span>}
        </p>
      )}
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

