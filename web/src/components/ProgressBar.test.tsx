// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PROGRESS_MILESTONES, type JobState } from '../../../contracts/common.js';
import { ProgressBar } from './ProgressBar.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';

failOnConsoleOutput();
afterEach(cleanup);

// The worker's milestones and the message it writes at each (core/domain/execute-job.ts).
const STEPS: Record<(typeof PROGRESS_MILESTONES)[number], { state: JobState; message: string }> = {
  0: { state: 'queued', message: 'queued' },
  20: { state: 'running', message: 'started' },
  50: { state: 'running', message: 'calling simulated' },
  80: { state: 'running', message: 'storing result' },
  100: { state: 'completed', message: 'completed' },
};

describe('progress display', () => {
  it.each(PROGRESS_MILESTONES.map((percent) => ({ percent, ...STEPS[percent] })))(
    'shows $percent% ($state) as a progressbar with its value, width and message',
    ({ percent, state, message }) => {
      render(<ProgressBar percent={percent} state={state} message={message} label="Progress of weather job" />);
      const bar = screen.getByRole('progressbar', { name: 'Progress of weather job' });
      expect(bar.getAttribute('aria-valuenow')).toBe(String(percent));
      expect(bar.getAttribute('aria-valuemin')).toBe('0');
      expect(bar.getAttribute('aria-valuemax')).toBe('100');
      expect(bar.getAttribute('aria-valuetext')).toBe(`${percent}%, ${state}: ${message}`);
      expect((bar.querySelector('.progress-fill') as HTMLElement).style.width).toBe(`${percent}%`);
      expect(screen.getByText(`${percent}% · ${message}`)).toBeTruthy();
      expect(bar.parentElement?.className).toContain(`progress-${state}`);
    },
  );

  it('keeps a failed job at the milestone where it failed, styled as failed', () => {
    render(<ProgressBar percent={50} state="failed" message="failed" label="Progress of weather job" />);
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('50');
    expect(bar.parentElement?.className).toContain('progress-failed');
  });

  it('moves when re-rendered with the next milestone', () => {
    const { rerender } = render(<ProgressBar percent={20} state="running" message="started" label="p" />);
    rerender(<ProgressBar percent={80} state="running" message="storing result" label="p" />);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('80');
  });
});
