// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithQueryClient } from '../test-support/render-with-query.js';
import { SubmitForm } from './SubmitForm.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';
import { fakeApi } from '../test-support/fake-api.js';
import { JobsList } from './JobsList.js';

// The submit form's priority: empty leaves it to the job type's default (named in the choice),
// a chosen one is sent with the job, and the API's words for a refused one show below it.

failOnConsoleOutput();
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const JOB_ID = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

/** The form with the weather example filled in, and the bodies it posts. */
async function weatherForm(answer: { status: number; body: unknown }) {
  fakeApi({ '/v1/jobs': answer });
  const posted: unknown[] = [];
  const fetchSpy = vi.mocked(globalThis.fetch);
  const answerOf = fetchSpy.getMockImplementation()!;
  fetchSpy.mockImplementation(async (input, init) => {
    if (init?.method === 'POST') posted.push(JSON.parse(String(init.body)));
    return answerOf(input, init);
  });
  const user = renderWithQueryClient(<SubmitForm />);
  await screen.findByLabelText('Job type');
  await user.selectOptions(screen.getByLabelText('Job type'), 'weather');
  await user.click(screen.getByRole('button', { name: 'Use the example' }));
  return { user, posted };
}

const accepted = {
  status: 202,
  body: {
    job_id: JOB_ID,
    trace_id: JOB_ID,
    job_type: 'weather',
    state: 'queued',
    submitted_at: '2026-01-01T10:00:00Z',
    status_url: `/v1/jobs/${JOB_ID}/status`,
    result_url: `/v1/jobs/${JOB_ID}/result`,
  },
};

describe('submit form priority', () => {
  it('names the type’s default and sends no priority until one is chosen', async () => {
    const { user, posted } = await weatherForm(accepted);
    expect((screen.getByLabelText('Priority') as HTMLSelectElement).selectedOptions[0]!.textContent).toBe('The type\'s default (normal)');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByRole('status');
    expect(posted).toHaveLength(1);
    expect(posted[0]).not.toHaveProperty('priority');
  });

  it('sends the priority chosen', async () => {
    const { user, posted } = await weatherForm(accepted);
    await user.selectOptions(screen.getByLabelText('Priority'), 'high');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    await screen.findByRole('status');
    expect(posted[0]).toMatchObject({ job_type: 'weather', priority: 'high' });
  });

  it('shows the API’s words for a refused priority below the choice', async () => {
    const refused = {
      status: 400,
      body: { error: { code: 'INVALID_BODY', message: 'priority must be one of high, normal, low', trace_id: JOB_ID, details: { fields: [{ field: 'priority', message: 'must be one of high, normal, low' }] } } },
    };
    const { user } = await weatherForm(refused);
    await user.selectOptions(screen.getByLabelText('Priority'), 'low');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect((await screen.findByText(/Priority must be one of high, normal, low/)).textContent).toContain('Priority');
  });

  it('marks jobs that are not normal in the list', async () => {
    const item = (id: string, priority?: 'high' | 'normal' | 'low') => ({
      job_id: id,
      job_type: 'weather',
      state: 'queued',
      progress_percent: 0,
      message: 'queued',
      submitted_at: '2026-01-01T10:00:00.000Z',
      updated_at: '2026-01-01T10:00:00.000Z',
      ...(priority ? { priority } : {}),
    });
    fakeApi({
      '/v1/jobs': {
        status: 200,
        body: {
          items: [item('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d001', 'high'), item('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d002', 'normal'), item('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d003', 'low'), item('5f0c1f3e-58d5-4c4e-9a59-6c1ad1b6d004')],
          next_cursor: null,
        },
      },
    });
    renderWithQueryClient(<JobsList />);
    await screen.findByText('high priority');
    expect(screen.getByText('low priority')).toBeTruthy();
    expect(screen.queryByText('normal priority')).toBeNull();
  });
});
