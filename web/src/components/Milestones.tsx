import { useEffect, useState } from 'react';
import type { JobStatusResponse } from '../../../contracts/http-api.js';
import { MILESTONES, type Milestone } from '../../../contracts/job-status.js';
import { isTerminal } from '../api/job-queries.js';
import { formatDuration, formatTime } from './format.js';

const MILESTONE_NAMES: Record<Milestone, string> = {
  '0': 'Queued',
  '20': 'Started',
  '50': 'Calling its provider',
  '80': 'Storing its result',
  '100': 'Completed',
};

/**
 * The job's story: each milestone (0/20/50/80/100) with its time and how long after the
 * submission it came, the end of a failed job, and while it runs how long it has been running.
 */
export function Milestones({ status }: { status: JobStatusResponse }) {
  const times = status.milestones ?? {};
  const since = times['0'];
  const running = !isTerminal(status.state);
  const now = useNow(running);
  const startedAt = times['20'];
  return (
    <>
      <ol className="milestones" aria-label="Milestones">
        {MILESTONES.map((milestone) => {
          const at = times[milestone];
          return (
            <li key={milestone} className={at ? 'milestone milestone-reached' : 'milestone'}>
              <span className="milestone-percent">{milestone}%</span>
              <span className="milestone-name">{MILESTONE_NAMES[milestone]}</span>
              {at ? (
                <span className="milestone-time">
                  <time dateTime={at}>{formatTime(at)}</time>
                  {milestone !== '0' && since && <span className="muted"> · +{formatDuration(since, at)}</span>}
                </span>
              ) : (
                <span className="milestone-time muted">{status.state === 'failed' ? 'not reached' : 'not yet'}</span>
              )}
            </li>
          );
        })}
        {status.state === 'failed' && (
          <li className="milestone milestone-failed">
            <span className="milestone-percent">{status.progress_percent}%</span>
            <span className="milestone-name">Failed{status.error_code ? ` (${status.error_code})` : ''}</span>
            <span className="milestone-time">
              <time dateTime={status.updated_at}>{formatTime(status.updated_at)}</time>
              {since && <span className="muted"> · +{formatDuration(since, status.updated_at)}</span>}
            </span>
          </li>
        )}
      </ol>
      {running && (
        <p className="elapsed">
          {startedAt ? `Running for ${formatDuration(startedAt, now)}` : since ? `Waiting for a worker for ${formatDuration(since, now)}` : null}
        </p>
      )}
    </>
  );
}

/** The time now, as an ISO string, moving each second while `ticking`. */
function useNow(ticking: boolean): string {
  const [now, setNow] = useState(() => new Date().toISOString());
  useEffect(() => {
    if (!ticking) return;
    setNow(new Date().toISOString());
    const timer = setInterval(() => setNow(new Date().toISOString()), 1_000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
