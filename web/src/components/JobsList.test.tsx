// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobSummary } from '../../../contracts/http-api.js';
import { encodeCursor } from '../../../contracts/page-cursor.js';
import { renderWithQueryClient } from '../test-support/render-with-query.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';
import { fakeApi } from '../test-support/fake-api.js';
import { JobsList } from './JobsList.js';

failOnConsoleOutput();
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
});

const job = (id: string, overrides: Partial<JobSummary>): JobSummary => ({
  job_id: id,
  job_type: 'weather',
  state: 'completed',
  progress_percent: 100,
  message: 'completed',
  submitted_at: '2026-01-01T10:00:00.000Z',
  updated_at: '2026-01-01T10:00:01.000Z',
  ...overrides,
});

function renderList() {
  return renderWithQueryClient(<JobsList />);
}

describe('jobs list', () => {
  it('lists jobs with their state and progress, and sends the chosen filters', async () => {
    const { requested } = fakeApi({
      '/v1/jobs': {
        status: 200,
        body: {
          items: [
            job('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d001', { job_type: 'quote', state: 'failed', progress_percent: 50, message: 'failed', error_code: 'QUOTE_FAILED' }),
            job('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d002', { label: 'Austin, US', submitted_at: '2026-01-01T10:00:00.000Z', updated_at: '2026-01-01T10:00:01.500Z' }),
          ],
          next_cursor: null,
        },
      },
    });
    const user = renderList();
    // The table's first row holds the column headings.
    const items = (await screen.findAllByRole('row')).slice(1);
    expect(items).toHaveLength(2);
    expect(within(items[0]!).getByRole('link').textContent).toBe('Quote job 5f0c1f3e');
    // A narrow cell wraps an error code after an underscore, never inside a word.
    expect(within(items[0]!).getByText('QUOTE_FAILED').innerHTML).toBe('QUOTE_<wbr>FAILED');
    expect(within(items[0]!).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    expect(within(items[1]!).getByText('completed', { selector: '.state' })).toBeTruthy();
    // A labelled row says what the job is about, how long it took, and its short id.
    expect(within(items[1]!).getByRole('link').textContent).toBe('Weather · Austin, US');
    expect(within(items[1]!).getByText('took 1.50 s')).toBeTruthy();
    expect(within(items[1]!).getByText('5f0c1f3e')).toBeTruthy();

    await user.selectOptions(screen.getByLabelText('Filter by state'), 'failed');
    await user.selectOptions(screen.getByLabelText('Filter by type'), 'quote');
    await waitFor(() => expect(requested).toContain('/v1/jobs?limit=20&state=failed&job_type=quote'));
  });

  it('says when a delayed job waiting in the queue starts', async () => {
    fakeApi({
      '/v1/jobs': {
        status: 200,
        body: { items: [job('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d003', { state: 'queued', progress_percent: 0, message: 'queued', run_at: '2026-01-01T11:00:00.000Z' })], next_cursor: null },
      },
    });
    renderList();
    const [item] = (await screen.findAllByRole('row')).slice(1);
    const startsAt = within(item!).getByText(/^starts/);
    expect(startsAt.querySelector('time')?.getAttribute('datetime')).toBe('2026-01-01T11:00:00.000Z');
  });

  it('shows a Retry button when the API cannot be reached, and loads on retry', async () => {
    let reachable = false;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => {
      if (!reachable) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify({ items: [job('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d003', {})], next_cursor: null }), { status: 200 });
    });
    const user = renderList();
    const alert = await screen.findByRole('alert', {}, { timeout: 5_000 });
    expect(alert.textContent).toContain('The jobs could not be loaded: Could not reach the dtq API');
    expect(alert.textContent).toContain('Failed to fetch');
    reachable = true;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'Weather job 5f0c1f3e' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps the page in the address: Older jobs adds a history entry with its cursor, Back returns to the page before', async () => {
    const cursor = encodeCursor({ at: '2026-01-01T10:00:00.000Z', id: '5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d004' });
    const { requested } = fakeApi({
      '/v1/jobs': () => ({ status: 200, body: { items: [job('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d004', { job_type: 'quote' })], next_cursor: cursor } }),
    });
    window.history.replaceState(null, '', '/?state=completed');
    const user = renderList();
    await user.click(await screen.findByRole('button', { name: 'Older jobs' }));
    expect(window.location.search).toBe(`?state=completed&page=2&cursor=${cursor}`);
    await waitFor(() => expect(requested).toContain(`/v1/jobs?limit=20&state=completed&cursor=${cursor}`));
    expect(screen.getByRole('heading', { name: 'Recent jobs · page 2' })).toBe(document.activeElement);
    window.history.back();
    await screen.findByRole('heading', { name: 'Recent jobs' });
    expect(window.location.search).toBe('?state=completed');
    await user.click(await screen.findByRole('button', { name: 'Older jobs' }));

    // A changed filter starts again at the first page.
    await user.selectOptions(screen.getByLabelText('Filter by type'), 'quote');
    expect(window.location.search).toBe('?state=completed&job_type=quote');
    expect(screen.getByRole('heading', { name: 'Recent jobs' })).toBeTruthy();
  });

  it('ignores a cursor the API did not give out, and shows the first page', async () => {
    const { requested } = fakeApi({ '/v1/jobs': { status: 200, body: { items: [job('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d005', {})], next_cursor: null } } });
    window.history.replaceState(null, '', '/?page=3&cursor=not!a!cursor');
    renderList();
    await screen.findAllByRole('row');
    expect(requested).toEqual(['/v1/jobs?limit=20']);
    expect(screen.queryByRole('button', { name: 'Newest jobs' })).toBeNull();
  });
});
