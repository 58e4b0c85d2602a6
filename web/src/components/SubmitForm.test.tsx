// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithQueryClient } from '../test-support/render-with-query.js';
import { SubmitForm } from './SubmitForm.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';

// The form is generated from contracts/job-types.ts and checks values with the same schemas
// and the same issue wording as the API, before anything is sent.

let fetchSpy: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no request is expected in this test'));
});

failOnConsoleOutput();
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderForm() {
  return renderWithQueryClient(<SubmitForm />);
}

/** The messages shown for a control: the element its aria-describedby names as the error. */
function messagesFor(label: string): string[] {
  const control = screen.getByLabelText(label);
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-error'));
  return ids.flatMap((id) => [...document.getElementById(id)!.querySelectorAll('span')].map((span) => span.textContent ?? ''));
}

describe('generated submit form', () => {
  it('renders a labelled control for every payload field of every job type, marking optional ones', async () => {
    const user = renderForm();
    const expected = {
      weather: { City: 'required', 'Country code': 'required', Units: 'required' },
      quote: { Tag: 'optional', 'Max length': 'optional' },
      exchange_rate: { Base: 'required', Target: 'required', Amount: 'optional' },
      github_user: { Username: 'required' },
    };
    for (const [jobType, fields] of Object.entries(expected)) {
      await user.selectOptions(screen.getByLabelText('Job type'), jobType);
      for (const [label, mark] of Object.entries(fields)) {
        const control = screen.getByLabelText(label);
        expect(control.getAttribute('aria-required'), label).toBe(String(mark === 'required'));
        const hint = document.getElementById(control.getAttribute('aria-describedby')!.split(' ')[0]!);
        expect(hint?.textContent, label).toBe(mark);
      }
    }
    await user.selectOptions(screen.getByLabelText('Job type'), 'weather');
    expect(screen.getByLabelText('Units').tagName).toBe('SELECT');
    await user.selectOptions(screen.getByLabelText('Job type'), 'quote');
    expect((screen.getByLabelText('Max length') as HTMLInputElement).type).toBe('number');
    expect(screen.getByRole('button', { name: 'Submit' })).toBeTruthy();
  });

  it('shows the API wording next to each invalid weather field, focuses the first, and sends nothing', async () => {
    const user = renderForm();
    await user.type(screen.getByLabelText('Country code'), 'usa');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    expect(messagesFor('City')).toEqual(['City is required']);
    expect(messagesFor('Country code')).toEqual(['Country code must be an ISO 3166-1 alpha-2 code in capitals, e.g. "US"']);
    expect(messagesFor('Units')).toEqual([]);
    expect(screen.getByLabelText('City').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('City'));
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('re-checks as the user edits after a failed attempt, and Enter submits', async () => {
    const user = renderForm();
    await user.type(screen.getByLabelText('City'), '   {Enter}');
    expect(messagesFor('City')).toEqual(['City must not be empty']);

    await user.clear(screen.getByLabelText('City'));
    await user.type(screen.getByLabelText('City'), 'Austin');
    expect(messagesFor('City')).toEqual([]);
    expect(messagesFor('Country code')).toEqual(['Country code is required']);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('words exchange-rate and quote rules as the schemas do', async () => {
    const user = renderForm();
    await user.selectOptions(screen.getByLabelText('Job type'), 'exchange_rate');
    await user.type(screen.getByLabelText('Base'), 'USD');
    await user.type(screen.getByLabelText('Target'), 'USD');
    await user.type(screen.getByLabelText('Amount'), '0');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect(messagesFor('Base')).toEqual([]);
    expect(messagesFor('Target')).toEqual(['Target must differ from base']);
    expect(messagesFor('Amount')).toEqual(['Amount must be greater than 0']);

    await user.selectOptions(screen.getByLabelText('Job type'), 'quote');
    expect(messagesFor('Tag')).toEqual([]);
    await user.type(screen.getByLabelText('Tag'), 'Wisdom');
    await user.type(screen.getByLabelText('Max length'), '10');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect(messagesFor('Tag')).toEqual(['Tag must be a lowercase tag such as "wisdom"']);
    expect(messagesFor('Max length')).toEqual(['Max length must be at least 20']);
    expect(within(screen.getByRole('form')).queryByRole('alert')).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
