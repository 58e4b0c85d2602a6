import { useQueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { isApiError } from '../api/api-errors.js';
import { jobPath } from '../router.js';
import { isTerminal, jobKeys, useJobResult, useJobStatus, useJobSummary } from '../api/job-queries.js';
import type { SubmittedJob } from '../api/use-submit-job.js';
import { jobTypeLabel } from '../forms/job-type-labels.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Facts, type FactRow } from './Facts.js';
import { formatDuration, formatTime, formatTimeout } from './format.js';
import { JobActions } from './JobActions.js';
import { JobInput } from './JobInput.js';
import { JobOutput } from './JobOutput.js';
import { Link } from './Link.js';
import { Milestones } from './Milestones.js';
import { ProgressBar } from './ProgressBar.js';
import { RawJson } from './RawJson.js';
import { StateBadge } from './StateBadge.js';
import { WebhookDelivery } from './WebhookDelivery.js';

/**
 * One job: live status (GET /status, polled until terminal), the durable result (GET /result),
 * its input, timings and trace id. The listing supplies what neither has (the submit time).
 */
export function JobDetail({ jobId }: { jobId: string }) {
  if (!JOB_ID_PATTERN.test(jobId)) return <NotAJobId jobId={jobId} />;
  return <KnownJobDetail jobId={jobId} />;
}

const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A malformed id in the address bar: one clear message, nothing asked of the API. */
function NotAJobId({ jobId }: { jobId: string }) {
  return (
    <NoJob title="Not a job id">
      <code>{jobId}</code> is not a job id: job ids are UUIDs such as <code>0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d</code>.
    </NoJob>
  );
}

/** A well-formed id the API knows nothing of: neither a status nor a stored result. */
function JobNotFound({ jobId }: { jobId: string }) {
  return (
    <NoJob title="Job not found">
      No job <code>{jobId}</code>: no status and no stored result. It was never submitted here, or its status expired (statuses are kept 24 hours)
      and it never stored a result.
    </NoJob>
  );
}

/** The page for an address that names no job: a heading, why, and the way back; no empty cards. */
function NoJob({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · dtq`;
  }, [title]);
  return (
    <article className="job-detail" aria-labelledby="job-heading">
      <p>
        <Link to="/">← All jobs</Link>
      </p>
      <h1 id="job-heading">{title}</h1>
      <p role="alert">{children}</p>
    </article>
  );
}

function KnownJobDetail({ jobId }: { jobId: string }) {
  const status = useJobStatus(jobId);
  const terminal = status.data ? isTerminal(status.data.state) : false;
  const statusGone = isApiError(status.error, 'JOB_NOT_FOUND');
  const result = useJobResult(jobId, terminal || statusGone);
  const summary = useJobSummary(jobId);
  const submitted = useQueryClient().getQueryData<SubmittedJob>(jobKeys.submitted(jobId));

  const doc = result.data ?? null;
  const jobType = doc?.job_type ?? summary.data?.job_type ?? submitted?.job_type;
  const title = jobType ? `${jobTypeLabel(jobType)} job` : 'Job';
  const input = doc?.input ?? (submitted?.payload as Record<string, unknown> | undefined);
  const error =
    doc?.error ??
    (status.data?.error_code ? { code: status.data.error_code, message: status.data.error_message ?? '' } : null);
  const submittedAt = summary.data?.submitted_at ?? submitted?.response.submitted_at;
  const runAt = status.data?.run_at ?? summary.data?.run_at ?? submitted?.response.run_at;
  const traceId = doc?.trace_id ?? summary.data?.trace_id ?? submitted?.response.trace_id;

  useEffect(() => {
    document.title = `${title} ${jobId.slice(0, 8)} · dtq`;
  }, [title, jobId]);

  // No status and no result (once the result has been asked for): nothing to show but that.
  const notFound = statusGone && !doc && !result.isLoading && !result.isPending;
  if (notFound) return <JobNotFound jobId={jobId} />;

  return (
    <article className="job-detail" aria-labelledby="job-heading">
      <p>
        <Link to="/">← All jobs</Link>
      </p>
      <h1 id="job-heading">
        {title} <code className="job-id">{jobId}</code>
      </h1>
      {summary.data?.label && <p className="job-label">{summary.data.label}</p>}

      <section className="card" aria-labelledby="status-heading">
        <h3 id="status-heading">Status</h3>
        {status.isPending && <p className="muted">Asking the worker…</p>}
        {status.isError && !statusGone && (
          <ErrorNotice error={status.error} context="The live status could not be read" onRetry={() => void status.refetch()} />
        )}
        {status.data && (
          <>
            <p className="status-line">
              <StateBadge state={status.data.state} />
              {status.data.message !== status.data.state && <span>{status.data.message}</span>}
            </p>
            <ProgressBar
              percent={status.data.progress_percent}
              state={status.data.state}
              message={status.data.message}
              label={`Progress of ${title.toLowerCase()}`}
            />
            <Milestones status={status.data} />
            <JobActions jobId={jobId} state={status.data.state} progress={status.data.progress_percent} />
          </>
        )}
        <p className="visually-hidden" role="status" aria-live="polite">
          {status.data ? `${title} is ${status.data.state}${status.data.error_code ? `: ${status.data.error_code}` : ''}` : ''}
        </p>
        {error && (
          <div className="notice notice-error job-error">
            <Facts rows={[['Error code', <code key="code">{error.code}</code>], ['Error message', error.message]]} />
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="result-heading">
        <h3 id="result-heading">Result</h3>
        {doc ? (
          doc.output ? (
            <JobOutput jobType={doc.job_type} output={doc.output} input={doc.input} />
          ) : (
            <p className="muted">No output: the job failed.</p>
          )
        ) : result.isError ? (
          !isApiError(result.error, 'JOB_NOT_FOUND') && (
            <ErrorNotice error={result.error} context="The result could not be read" onRetry={() => void result.refetch()} />
          )
        ) : result.isLoading ? (
          <p className="muted">Loading the result…</p>
        ) : (
          <p className="muted">Not ready yet: the result is stored when the job finishes.</p>
        )}
      </section>

      <section className="card" aria-labelledby="input-heading">
        <h3 id="input-heading">Input</h3>
        {input && jobType ? <JobInput jobType={jobType} input={input} /> : <p className="muted">Shown once the result is stored.</p>}
      </section>

      {status.data?.webhook && <WebhookDelivery webhook={status.data.webhook} />}

      <section className="card" aria-labelledby="timings-heading">
        <h3 id="timings-heading">Timings and trace</h3>
        <Facts
          rows={[
            ['Submitted', formatTime(submittedAt)],
            // A delayed job: when it starts at the earliest (it stays queued until then).
            ...(runAt ? ([['Starts at', formatTime(runAt)]] as FactRow[]) : []),
            ['Started', formatTime(doc?.started_at ?? status.data?.milestones?.['20'])],
            ['Completed', formatTime(doc?.completed_at)],
            ['Duration', formatDuration(doc?.started_at, doc?.completed_at)],
            ['Last update', formatTime(status.data?.updated_at)],
            ...(status.data?.timeout_ms !== undefined ? [['Timeout', formatTimeout(status.data.timeout_ms)] satisfies FactRow] : []),
            ...(status.data?.priority ? [['Priority', status.data.priority] satisfies FactRow] : []),
            ['Trace id', traceId ? <code key="trace">{traceId}</code> : '—'],
            ...linkRows(status.data ?? doc),
          ]}
        />
      </section>

      <section className="card card-wide" aria-labelledby="raw-heading">
        <h3 id="raw-heading">Raw JSON</h3>
        <div className="raw-json-grid">
          <RawJson title="Input" value={input} />
          <RawJson title="Result" value={doc?.output} />
          <RawJson title="Error" value={error} />
        </div>
      </section>
    </article>
  );
}

type Links = { cancel_requested_at?: string | undefined; retry_of?: string | undefined; retries?: string[] | undefined };

/** Cancel request and retry links, as rows of the facts table, only those that are set. */
function linkRows(links: Links | null | undefined): FactRow[] {
  if (!links) return [];
  const rows: FactRow[] = [];
  if (links.cancel_requested_at) rows.push(['Cancel requested', formatTime(links.cancel_requested_at)]);
  if (links.retry_of) rows.push(['Retry of', <JobLink key="retry-of" jobId={links.retry_of} />]);
  if (links.retries?.length) {
    rows.push([
      'Retried as',
      <span key="retries" className="job-links">
        {links.retries.map((id) => (
          <JobLink key={id} jobId={id} />
        ))}
      </span>,
    ]);
  }
  return rows;
}

function JobLink({ jobId }: { jobId: string }) {
  return (
    <Link to={jobPath(jobId)}>
      <code>{jobId.slice(0, 8)}</code>
    </Link>
  );
}
