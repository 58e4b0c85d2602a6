import { PROGRESS_MILESTONES, type JobState } from '../../../contracts/common.js';

const INNER_MILESTONES = PROGRESS_MILESTONES.filter((m) => m > 0 && m < 100);

/**
 * A job's progress: a native-looking bar exposed as role=progressbar (aria-valuenow moves
 * through the milestones 0 → 20 → 50 → 80 → 100), with the worker's message beside it.
 */
export function ProgressBar({ percent, state, message, label }: { percent: number; state: JobState; message: string; label: string }) {
  const text = `${percent}% · ${message}`;
  return (
    <div className={`progress progress-${state}`}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%, ${state}: ${message}`}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
        {INNER_MILESTONES.map((milestone) => (
          <span key={milestone} className="progress-tick" style={{ left: `${milestone}%` }} aria-hidden="true" />
        ))}
      </div>
      <span className="progress-text" aria-hidden="true">
        {text}
      </span>
    </div>
  );
}
