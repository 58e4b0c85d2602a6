import { useEffect, useState, type FormEvent } from 'react';
import type { ServedSchedule } from '../api/api-client.js';
import { useJobTypes } from '../api/job-type-queries.js';
import { useScheduleActions, useScheduleJobs, useSchedules } from '../api/schedule-queries.js';
import { jobPath } from '../router.js';
import { ErrorNotice } from './ErrorNotice.js';
import { formatTime, shortId } from './format.js';
import { Link } from './Link.js';

/** The schedules page: a form to create one, and each schedule with its next runs, its jobs, Pause or Resume, Delete. */
export function Schedules() {
  useEffect(() => {
    document.title = 'dtq · schedules';
  }, []);
  const schedules = useSchedules();
  return (
    <div className="schedules">
      <h1>Schedules</h1>
      <CreateScheduleForm />
      <section aria-labelledby="schedules-heading">
        <h2 id="schedules-heading">All schedules</h2>
        {schedules.isError && <ErrorNotice error={schedules.error} context="The schedules could not be read" onRetry={() => void schedules.refetch()} />}
        {schedules.data &&
          (schedules.data.length === 0 ? (
            <p className="muted">No schedules yet.</p>
          ) : (
            <ul className="schedule-list" aria-labelledby="schedules-heading">
              {schedules.data.map((schedule) => (
                <ScheduleItem key={schedule.schedule_id} schedule={schedule} />
              ))}
            </ul>
          ))}
      </section>
    </div>
  );
}

function CreateScheduleForm() {
  const jobTypes = useJobTypes();
  const { create } = useScheduleActions();
  const [jobType, setJobType] = useState('');
  const [payload, setPayload] = useState('');
  const [cron, setCron] = useState('*/5 * * * *');
  const [timezone, setTimezone] = useState('UTC');
  const [payloadError, setPayloadError] = useState<string | undefined>();

  // The first job type and its example payload, once the types are known.
  const first = jobTypes.data?.[0];
  useEffect(() => {
    if (first && jobType === '') {
      setJobType(first.job_type);
      setPayload(JSON.stringify(first.example_payload, null, 2));
    }
  }, [first, jobType]);

  function chooseType(next: string) {
    setJobType(next);
    const example = jobTypes.data?.find((type) => type.job_type === next)?.example_payload;
    if (example) setPayload(JSON.stringify(example, null, 2));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      setPayloadError('payload: is not valid JSON');
      return;
    }
    setPayloadError(undefined);
    create.mutate({ job_type: jobType, payload: parsed as Record<string, unknown>, cron, ...(timezone.trim() ? { timezone: timezone.trim() } : {}) });
  }

  return (
    <section className="card" aria-labelledby="create-schedule-heading">
      <h2 id="create-schedule-heading">New schedule</h2>
      {jobTypes.isError && <ErrorNotice error={jobTypes.error} context="The job types could not be read" onRetry={() => void jobTypes.refetch()} />}
      <form onSubmit={onSubmit} className="schedule-form">
        <label htmlFor="schedule-job-type">Job type</label>
        <select id="schedule-job-type" value={jobType} onChange={(event) => chooseType(event.target.value)}>
          {jobTypes.data?.map((type) => (
            <option key={type.job_type} value={type.job_type}>
              {type.display_name}
            </option>
          ))}
        </select>
        <label htmlFor="schedule-payload">Payload (JSON)</label>
        <textarea
          id="schedule-payload"
          rows={5}
          value={payload}
          onChange={(event) => setPayload(event.target.value)}
          aria-invalid={payloadError !== undefined}
          {...(payloadError ? { 'aria-describedby': 'schedule-payload-error' } : {})}
        />
        {payloadError && (
          <p id="schedule-payload-error" role="alert" className="field-error">
            {payloadError}
          </p>
        )}
        <label htmlFor="schedule-cron">Cron</label>
        <input id="schedule-cron" value={cron} onChange={(event) => setCron(event.target.value)} aria-describedby="schedule-cron-hint" />
        <p id="schedule-cron-hint" className="muted">
          Five fields (minute hour day month weekday), or six with seconds first: <code>*/2 * * * * *</code>
        </p>
        <label htmlFor="schedule-timezone">Time zone</label>
        <input id="schedule-timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)} />
        <button type="submit" disabled={create.isPending || jobType === ''}>
          Create schedule
        </button>
      </form>
      {create.isError && <ErrorNotice error={create.error} context="The schedule was not created" />}
      {create.data && (
        <p role="status" className="muted">
          Created; next run {formatTime(create.data.next_run_at ?? undefined)}.
        </p>
      )}
    </section>
  );
}

function ScheduleItem({ schedule }: { schedule: ServedSchedule }) {
  const { setPaused, remove } = useScheduleActions();
  const headingId = `schedule-${schedule.schedule_id}`;
  const paused = schedule.state === 'paused';
  return (
    <li className="card schedule-item" data-schedule-id={schedule.schedule_id} data-state={schedule.state} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {schedule.job_type} · <code>{schedule.cron}</code> ({schedule.timezone}) · {schedule.state}
      </h3>
      <p className="muted">
        Last run: {schedule.last_run_at ? formatTime(schedule.last_run_at) : 'none yet'} · id {shortId(schedule.schedule_id)}
      </p>
      <h4>Next runs</h4>
      {schedule.next_runs.length === 0 ? (
        <p className="muted">{paused ? 'None while paused.' : 'None: the cron fires no more.'}</p>
      ) : (
        <ol className="next-runs">
          {schedule.next_runs.map((run) => (
            <li key={run}>
              <time dateTime={run}>{formatTime(run)}</time>
            </li>
          ))}
        </ol>
      )}
      <div className="schedule-actions">
        <button type="button" className="button-secondary" disabled={setPaused.isPending} onClick={() => setPaused.mutate({ scheduleId: schedule.schedule_id, paused: !paused })}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="button-secondary" disabled={remove.isPending} onClick={() => remove.mutate(schedule.schedule_id)}>
          Delete
        </button>
      </div>
      {setPaused.isError && <ErrorNotice error={setPaused.error} context="The schedule was not changed" />}
      {remove.isError && <ErrorNotice error={remove.error} context="The schedule was not deleted" />}
      <ScheduleJobs scheduleId={schedule.schedule_id} />
    </li>
  );
}

function ScheduleJobs({ scheduleId }: { scheduleId: string }) {
  const jobs = useScheduleJobs(scheduleId);
  return (
    <>
      <h4>Its jobs</h4>
      {jobs.isError && <ErrorNotice error={jobs.error} context="Its jobs could not be read" onRetry={() => void jobs.refetch()} />}
      {jobs.data &&
        (jobs.data.items.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ul className="schedule-jobs">
            {jobs.data.items.map((job) => (
              <li key={job.job_id}>
                <Link to={jobPath(job.job_id)}>{shortId(job.job_id)}</Link> · {job.state} · <time dateTime={job.submitted_at}>{formatTime(job.submitted_at)}</time>
              </li>
            ))}
          </ul>
        ))}
    </>
  );
}
