// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithQueryClient } from '../test-support/render-with-query.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';
import { fakeApi } from '../test-support/fake-api.js';
import { useLiveEvents } from '../api/live-events.js';
import { JobDetail } from './JobDetail.js';

failOnConsoleOutput();
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const JOB_ID = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const TRACE_ID = '1b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const base = `/v1/jobs/${JOB_ID}`;

/** The app's event subscription, as App mounts it. */
function LiveEvents() {
  useLiveEvents();
  return null;
}

function renderDetail() {
  renderWithQueryClient(
    <>
      <LiveEvents />
      <JobDetail jobId={JOB_ID} />
    </>,
  );
}

/** GET /v1/events answering these job events, then ending (the client reopens it). */
const eventStream = (...events: object[]) => ({
  status: 200,
  contentType: 'text/event-stream',
  body: events.map((event, index) => `id: ${JOB_ID}/1-${index}\nevent: status\ndata: ${JSON.stringify(event)}\n\n`).join(''),
});

describe('job detail', () => {
  it('does not ask for the result while the job runs', async () => {
    const { requested } = fakeApi({
      [`${base}/status`]: { status: 200, body: { job_id: JOB_ID, state: 'running', progress_percent: 50, message: 'calling simulated', updated_at: '2026-01-01T10:00:00Z' } },
      '/v1/jobs': { status: 200, body: { items: [], next_cursor: null } },
    });
    renderDetail();
    expect((await screen.findByRole('progressbar')).getAttribute('aria-valuenow')).toBe('50');
    expect(screen.getByText('Not ready yet: the result is stored when the job finishes.')).toBeTruthy();
    expect(requested.filter((url) => url.endsWith('/result'))).toEqual([]);
  });

  it('shows the timeout a job runs with, and a job that ran past it failed TIMEOUT', async () => {
    fakeApi({
      [`${base}/status`]: {
        status: 200,
        body: {
          job_id: JOB_ID, state: 'failed', progress_percent: 50, message: 'failed', updated_at: '2026-01-01T10:00:31Z',
          error_code: 'TIMEOUT', error_message: 'ran longer than its timeout of 30000 ms', timeout_ms: 30_000,
        },
      },
      [`${base}/result`]: { status: 404, body: { error: { code: 'RESULT_NOT_READY', message: 'not yet', trace_id: TRACE_ID } } },
      '/v1/jobs': { status: 200, body: { items: [], next_cursor: null } },
    });
    renderDetail();
    expect(await screen.findByText('30 s')).toBeTruthy();
    expect(screen.getByText('Timeout')).toBeTruthy();
    expect(screen.getByText('TIMEOUT')).toBeTruthy();
    expect(screen.getByText('ran longer than its timeout of 30000 ms')).toBeTruthy();
  });

  it('offers Cancel on a running job until its last milestone check, not at 80 % (the API would answer 409: too late)', async () => {
    const running = (progress_percent: number) => ({
      status: 200,
      body: { job_id: JOB_ID, state: 'running', progress_percent, message: 'running', updated_at: '2026-01-01T10:00:00Z' },
    });
    const answer = running(50);
    let events = eventStream();
    const { requested } = fakeApi({ [`${base}/status`]: () => answer, '/v1/jobs': { status: 200, body: { items: [], next_cursor: null } }, '/v1/events': () => events });
    renderDetail();
    expect(await screen.findByRole('button', { name: 'Cancel job' })).toBeTruthy();
    // The change comes as an event; the status is not read again.
    events = eventStream({ ...running(80).body, updated_at: '2026-01-01T10:00:01Z' });
    await waitFor(() => expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('80'), { timeout: 5_000 });
    expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull();
    expect(requested.filter((url) => url.endsWith('/status'))).toHaveLength(1);
  });

  it('shows a failed job with its error code, message, input and trace id', async () => {
    fakeApi({
      [`${base}/status`]: {
        status: 200,
        body: { job_id: JOB_ID, state: 'failed', progress_percent: 50, message: 'failed', updated_at: '2026-01-01T10:00:02Z', error_code: 'CITY_NOT_FOUND', error_message: 'no city "Atlantis" in US' },
      },
      [`${base}/result`]: {
        status: 200,
        body: {
          schema_version: '1.0',
          job_id: JOB_ID,
          job_type: 'weather',
          input: { city: 'Atlantis', country_code: 'US', units: 'metric' },
          output: null,
          final_state: 'failed',
          started_at: '2026-01-01T10:00:00Z',
          completed_at: '2026-01-01T10:00:01.5Z',
          error: { code: 'CITY_NOT_FOUND', message: 'no city "Atlantis" in US' },
          trace_id: TRACE_ID,
        },
      },
      '/v1/jobs': { status: 200, body: { items: [], next_cursor: null } },
    });
    renderDetail();
    expect(await screen.findByText('No output: the job failed.')).toBeTruthy();
    expect(screen.getByText('CITY_NOT_FOUND')).toBeTruthy();
    expect(screen.getByText('no city "Atlantis" in US')).toBeTruthy();
    expect(screen.getByText('Atlantis')).toBeTruthy();
    expect(screen.getByText('1.50 s')).toBeTruthy();
    expect(screen.getByText(TRACE_ID)).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('Weather job');
  });

  it('says so when the job does not exist', async () => {
    fakeApi({
      [`${base}/status`]: { status: 404, body: { error: { code: 'JOB_NOT_FOUND', message: `job ${JOB_ID} not found`, trace_id: TRACE_ID } } },
      [`${base}/result`]: { status: 404, body: { error: { code: 'JOB_NOT_FOUND', message: `job ${JOB_ID} not found`, trace_id: TRACE_ID } } },
      '/v1/jobs': { status: 200, body: { items: [], next_cursor: null } },
    });
    renderDetail();
    expect((await screen.findByRole('alert')).textContent).toContain(`No job ${JOB_ID}`);
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});
