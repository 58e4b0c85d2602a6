import { useEffect } from 'react';
import type { FleetResponse } from '../../../contracts/fleet.js';
import { useFleet } from '../api/fleet-queries.js';
import { useSchedules } from '../api/schedule-queries.js';
import { ErrorNotice } from './ErrorNotice.js';
import { formatTime } from './format.js';
import { Link } from './Link.js';
import { TableScroll } from './TableScroll.js';

/**
 * The fleet: each running worker (from its heartbeat), how far the workers' group trails each
 * topic and partition, the work waiting for its time (schedules; delayed jobs), and the limits
 * with the keys whose jobs wait on them.
 */
export function FleetPage() {
  useEffect(() => {
    document.title = 'dtq · fleet';
  }, []);
  const fleet = useFleet();
  return (
    <div className="fleet">
      <h1>Fleet</h1>
      {fleet.isError && <ErrorNotice error={fleet.error} context="The fleet could not be read" onRetry={() => void fleet.refetch()} />}
      {fleet.isPending && <p className="muted">Reading the heartbeats…</p>}
      {fleet.data && (
        <>
          <Workers fleet={fleet.data} />
          <Lag fleet={fleet.data} />
        </>
      )}
      <WaitingSchedules />
      <DelayedJobs fleet={fleet.data} />
      <Limits fleet={fleet.data} />
    </div>
  );
}

function Workers({ fleet }: { fleet: FleetResponse }) {
  return (
    <section className="card card-wide" aria-labelledby="workers-heading">
      <h2 id="workers-heading">
        Workers <span className="count-badge">{fleet.workers.length}</span>
      </h2>
      {fleet.workers.length === 0 ? (
        <p className="muted" role="status">
          No worker running: none has beaten in the last {fleet.heartbeat_ttl_ms / 1000} s. Jobs wait on their topics.
        </p>
      ) : (
        <TableScroll label="Running workers table">
          <table className="dense-table" aria-label="Running workers">
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Version</th>
                <th scope="col" className="number">Concurrency</th>
                <th scope="col" className="number">In flight</th>
                <th scope="col">Started</th>
                <th scope="col">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {fleet.workers.map((worker) => (
                <tr key={worker.instance} data-worker={worker.instance}>
                  <td>
                    <code>{worker.instance}</code>
                  </td>
                  <td>{worker.version}</td>
                  <td className="number">{worker.concurrency}</td>
                  <td className="number">{worker.in_flight}</td>
                  <td>{formatTime(worker.started_at)}</td>
                  <td>{formatTime(worker.last_heartbeat_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <p className="muted">Each worker beats every {fleet.heartbeat_interval_ms / 1000} s; one that stops leaves at once, one that dies after {fleet.heartbeat_ttl_ms / 1000} s.</p>
    </section>
  );
}

function Lag({ fleet }: { fleet: FleetResponse }) {
  const total = (fleet.lag ?? []).reduce((sum, partition) => sum + partition.lag, 0);
  return (
    <section className="card card-wide" aria-labelledby="lag-heading">
      <h2 id="lag-heading">Consumer lag</h2>
      <p>
        Group <code>{fleet.consumer_group}</code>: <strong className="lag-total">{total}</strong> job record{total === 1 ? '' : 's'} not yet handled.
      </p>
      {fleet.lag === null ? (
        <p className="muted">The lag could not be read: {fleet.lag_error}</p>
      ) : (
        <TableScroll label="Lag per topic and partition table">
          <table className="dense-table" aria-label="Lag per topic and partition">
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col" className="number">Partition</th>
                <th scope="col" className="number">Lag</th>
              </tr>
            </thead>
            <tbody>
              {fleet.lag.map((partition) => (
                <tr key={`${partition.topic}/${partition.partition}`} className={partition.lag > 0 ? 'row-lagging' : undefined}>
                  <td>
                    <code>{partition.topic}</code>
                  </td>
                  <td className="number">{partition.partition}</td>
                  <td className="number">{partition.lag}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function WaitingSchedules() {
  const schedules = useSchedules();
  const active = (schedules.data ?? []).filter((schedule) => schedule.state === 'active').sort((a, b) => (a.next_run_at ?? '').localeCompare(b.next_run_at ?? ''));
  return (
    <section className="card" aria-labelledby="scheduled-heading">
      <h2 id="scheduled-heading">Scheduled jobs waiting</h2>
      {schedules.isError && <ErrorNotice error={schedules.error} context="The schedules could not be read" onRetry={() => void schedules.refetch()} />}
      {schedules.data &&
        (active.length === 0 ? (
          <p className="muted">No active schedule.</p>
        ) : (
          <ul className="plain-list">
            {active.map((schedule) => (
              <li key={schedule.schedule_id}>
                <code>{schedule.job_type}</code> next at {formatTime(schedule.next_run_at ?? undefined)} (<code>{schedule.cron}</code>)
              </li>
            ))}
          </ul>
        ))}
      <p>
        <Link to="/schedules">All schedules</Link>
      </p>
    </section>
  );
}

/** Jobs submitted to run later, held until their run_at: how many, and when the first starts. */
function DelayedJobs({ fleet }: { fleet: FleetResponse | undefined }) {
  const delayed = fleet?.delayed;
  return (
    <section className="card" aria-labelledby="delayed-heading">
      <h2 id="delayed-heading">
        Delayed jobs waiting {delayed && <span className="count-badge delayed-count">{delayed.waiting}</span>}
      </h2>
      {delayed === null && <p className="muted">The delayed jobs could not be read.</p>}
      {delayed &&
        (delayed.waiting === 0 ? (
          <p className="muted">No job is held for a later start.</p>
        ) : (
          <p className="delayed-next">
            {delayed.waiting} job{delayed.waiting === 1 ? '' : 's'} held; the next starts at {formatTime(delayed.next_run_at)}.
          </p>
        ))}
    </section>
  );
}

/** Each job type's limits in force, and per key how many jobs wait on them (the busiest keys). */
function Limits({ fleet }: { fleet: FleetResponse | undefined }) {
  const limits = fleet?.limits;
  return (
    <section className="card" aria-labelledby="limits-heading">
      <h2 id="limits-heading">Limits and who waits on them</h2>
      {limits === null && <p className="muted">The jobs waiting on limits could not be read.</p>}
      {limits && limits.length === 0 && <p className="muted">No job type has limits.</p>}
      {limits && limits.length > 0 && (
        <ul className="plain-list limit-list">
          {limits.map((limit) => (
            <li key={limit.job_type} data-limit-type={limit.job_type}>
              <code>{limit.job_type}</code>
              {limit.concurrency && (
                <>
                  {' '}
                  · {limit.concurrency.max} at once per <code>{limit.concurrency.key}</code>
                </>
              )}
              {limit.rate && (
                <>
                  {' '}
                  · {limit.rate.points} per {formatWindow(limit.rate.per_ms)} per <code>{limit.rate.key}</code>
                </>
              )}
              {limit.waiting.length === 0 ? (
                <span className="muted"> · nobody waits</span>
              ) : (
                <ul className="plain-list limit-waiting" aria-label={`Keys of ${limit.job_type} with jobs waiting`}>
                  {limit.waiting.map((entry) => (
                    <li key={`${entry.reason}:${entry.key}`} data-waiting-key={entry.key}>
                      <code>{entry.key || '(empty key)'}</code>: {entry.jobs} job{entry.jobs === 1 ? '' : 's'} waiting {entry.reason === 'key' ? 'for a slot' : 'for the rate'}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A rate's window in words: "1 min", "1 h", "500 ms". */
function formatWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}
