// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDelivery } from './WebhookDelivery.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';

failOnConsoleOutput();
afterEach(cleanup);

const term = (name: string) => screen.getByText(name, { selector: 'dt' }).nextElementSibling?.textContent;

describe('webhook delivery on the job page', () => {
  it('shows a delivery being retried: attempts, the last answer and the next attempt', () => {
    render(
      <WebhookDelivery
        webhook={{
          webhook_id: 'msg_1',
          callback_url: 'https://hooks.example.com/dtq',
          state: 'pending',
          attempts: 2,
          last_status_code: 503,
          last_attempt_at: '2026-01-01T00:00:00.000Z',
          next_attempt_at: '2026-01-01T00:02:00.000Z',
        }}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Webhook' })).toBeTruthy();
    expect(term('Delivery')).toBe('waiting for its next attempt');
    expect(term('Attempts')).toBe('2');
    expect(term('Last answer')).toBe('HTTP 503');
    expect(term('Next attempt')).not.toBe('—');
  });

  it('shows a given-up delivery with the error of its last attempt and no next attempt', () => {
    render(
      <WebhookDelivery
        webhook={{ webhook_id: 'msg_2', callback_url: 'https://hooks.example.com/', state: 'given_up', attempts: 9, last_error: 'no answer within 10000 ms', given_up_at: '2026-01-01T17:00:00.000Z' }}
      />,
    );
    expect(term('Delivery')).toBe('given up: every attempt failed');
    expect(term('Last answer')).toBe('no answer within 10000 ms');
    expect(screen.queryByText('Next attempt')).toBeNull();
  });
});
