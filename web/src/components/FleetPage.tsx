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
 * topic and partition, the work waiting for its time (schedules; delayed jobs), and the limits.
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
      <DelayedJobs />
      <Limits />
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

/** Jobs submitted to run later: the API does not list them yet; this card is their place. */
function DelayedJobs() {
  return (
    <section className="card" aria-labelledby="delayed-heading" data-placeholder="delayed-jobs">
      <h2 id="delayed-heading">Delayed jobs waiting</h2>
      <p className="muted">Not reported by this API yet: jobs submitted to run later will be listed here.</p>
    </section>
  );
}

/** Limits (rate and concurrency per key) and the jobs waiting on them: not reported yet; this card is their place. */
function Limits() {
  return (
    <section className="card" aria-labelledby="limits-heading" data-placeholder="limits">
      <h2 id="limits-heading">Limits and who waits on them</h2>
      <p className="muted">Not reported by this API yet: each limit, its use and the jobs waiting on it will be listed here.</p>
    </section>
  );
}
