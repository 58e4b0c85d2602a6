// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithQueryClient } from '../test-support/render-with-query.js';
import { SubmitForm } from './SubmitForm.js';
import { failOnConsoleOutput } from '../test-support/console-guard.js';
import { JOB_TYPES_ANSWER, fakeApi } from '../test-support/fake-api.js';

// The form is generated from GET /v1/job-types (here answered from the catalog) and checks
// values with the bundle's schemas and the same issue wording as the API, before anything is sent.

failOnConsoleOutput();
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const JOB_ID = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const TRACE_ID = '1b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

const accepted = (jobType: string) => ({
  status: 202,
  body: {
    job_id: JOB_ID,
    trace_id: TRACE_ID,
    job_type: jobType,
    state: 'queued',
    submitted_at: '2026-01-01T10:00:00Z',
    status_url: `/v1/jobs/${JOB_ID}/status`,
    result_url: `/v1/jobs/${JOB_ID}/result`,
  },
});

/** The form once its job types have loaded, and what it asked the API. */
async function renderForm(answers: Parameters<typeof fakeApi>[0] = {}) {
  const api = fakeApi(answers);
  const user = renderWithQueryClient(<SubmitForm />);
  await screen.findByLabelText('Job type');
  return { user, requested: api.requested };
}

/** The messages shown for a control: the element its aria-describedby names as the error. */
function messagesFor(label: string): string[] {
  const control = screen.getByLabelText(label);
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-error'));
  return ids.flatMap((id) => [...document.getElementById(id)!.querySelectorAll('span')].map((span) => span.textContent ?? ''));
}

/** The texts a control's aria-describedby points at, in order. */
function descriptionOf(label: string): string[] {
  const ids = (screen.getByLabelText(label).getAttribute('aria-describedby') ?? '').split(' ');
  return ids.map((id) => document.getElementById(id)?.textContent ?? '');
}

const submitted = (requested: string[]) => requested.filter((url) => url.startsWith('POST '));

describe('generated submit form', () => {
  it('offers the API’s job types in its order, by display name, with a labelled control for every payload field', async () => {
    const { user } = await renderForm();
    const listed = (JOB_TYPES_ANSWER.body as { job_types: Array<{ job_type: string; display_name: string }> }).job_types;
    const options = within(screen.getByLabelText('Job type')).getAllByRole('option') as HTMLOptionElement[];
    expect(options.map((option) => [option.value, option.textContent])).toEqual(listed.map((type) => [type.job_type, type.display_name]));

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
        expect(descriptionOf(label)[0], label).toBe(mark);
      }
    }
    await user.selectOptions(screen.getByLabelText('Job type'), 'weather');
    expect(screen.getByLabelText('Units').tagName).toBe('SELECT');
    await user.selectOptions(screen.getByLabelText('Job type'), 'quote');
    const maxLength = screen.getByLabelText('Max length') as HTMLInputElement;
    expect([maxLength.type, maxLength.min, maxLength.max, maxLength.step]).toEqual(['number', '20', '500', '1']);
    expect(screen.getByRole('button', { name: 'Submit' })).toBeTruthy();
  });

  it('shows each field’s description as help, its first example as placeholder, and the type’s description', async () => {
    const { user } = await renderForm();
    await user.selectOptions(screen.getByLabelText('Job type'), 'weather');
    expect(descriptionOf('City')).toEqual(['required', 'The city to look up']);
    expect((screen.getByLabelText('City') as HTMLInputElement).placeholder).toBe('Austin');
    expect(descriptionOf('Country code')).toEqual(['required', 'ISO 3166-1 alpha-2, in capitals']);
    expect(descriptionOf('Job type')).toEqual(['Current weather for a city: temperature, conditions, humidity and wind.']);
  });

  it('starts a field on its schema default, puts long text in a text area, and shows no example too long to be a hint', async () => {
    const { user } = await renderForm();
    await user.selectOptions(screen.getByLabelText('Job type'), 'thumbnail');
    expect([(screen.getByLabelText('Fit') as HTMLSelectElement).value, (screen.getByLabelText('Format') as HTMLSelectElement).value]).toEqual(['inside', 'webp']);
    expect(descriptionOf('Fit')[0]).toBe('optional');
    const image = screen.getByLabelText('Image (base64)') as HTMLTextAreaElement;
    expect([image.tagName, image.placeholder]).toEqual(['TEXTAREA', '']);
    const width = screen.getByLabelText('Width') as HTMLInputElement;
    expect([width.type, width.min, width.max, width.placeholder]).toEqual(['number', '16', '1024', '256']);
  });

  it('fills in the type’s example and sends it', async () => {
    const { user, requested } = await renderForm({ '/v1/jobs': accepted('weather') });
    await user.selectOptions(screen.getByLabelText('Job type'), 'weather');
    await user.click(screen.getByRole('button', { name: 'Use the example' }));
    expect((screen.getByLabelText('City') as HTMLInputElement).value).toBe('Austin');
    expect((screen.getByLabelText('Country code') as HTMLInputElement).value).toBe('US');
    expect((screen.getByLabelText('Units') as HTMLSelectElement).value).toBe('metric');
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/^Submitted Weather job 0b1c2d3e/);
    expect(submitted(requested)).toEqual(['POST /v1/jobs']);
  });

  it('shows the API wording next to each invalid weather field, focuses the first, and sends nothing', async () => {
    const { user, requested } = await renderForm();
    await user.selectOptions(screen.getByLabelText('Job type'), 'weather');
    await user.type(screen.getByLabelText('Country code'), 'usa');
    await user.click(screen.getByRole('button', { name: 'Submit' }));

    expect(messagesFor('City')).toEqual(['City is required']);
    expect(messagesFor('Country code')).toEqual(['Country code must be an ISO 3166-1 alpha-2 code in capitals, e.g. "US"']);
    expect(messagesFor('Units')).toEqual([]);
    expect(screen.getByLabelText('City').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('City'));
    expect(submitted(requested)).toEqual([]);
  });

  it('re-checks as the user edits after a failed attempt, and Enter submits', async () => {
    const { user, requested } = await renderForm();
    await user.selectOptions(screen.getByLabelText('Job type'), 'weather');
    await user.type(screen.getByLabelText('City'), '   {Enter}');
    expect(messagesFor('City')).toEqual(['City must not be empty']);

    await user.clear(screen.getByLabelText('City'));
    await user.type(screen.getByLabelText('City'), 'Austin');
    expect(messagesFor('City')).toEqual([]);
    expect(messagesFor('Country code')).toEqual(['Country code is required']);
    expect(submitted(requested)).toEqual([]);
  });

  it('words exchange-rate and quote rules as the schemas do', async () => {
    const { user, requested } = await renderForm();
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
    expect(submitted(requested)).toEqual([]);
  });

  it('offers a type this bundle does not know, leaves its checks to the API, and shows its 400 next to the field', async () => {
    const served = JOB_TYPES_ANSWER.body as { job_types: unknown[] };
    const unknownType = {
      job_type: 'label_printer',
      display_name: 'Label printer',
      description: 'Prints a label.',
      payload_schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          text: { type: 'string', description: 'What the label says', examples: ['Fragile'] },
          copies: { type: 'integer', minimum: 1, maximum: 10 },
          tags: { type: 'array', items: { type: 'string' } },
        },
        required: ['text'],
        additionalProperties: false,
      },
      output_schema: { type: 'object' },
      example_payload: { text: 'Fragile', copies: 2 },
      defaults: { attempts: 3, backoff: { initial_ms: 200, max_ms: 2_000 }, timeout_ms: 300_000 },
    };
    const { user, requested } = await renderForm({
      '/v1/job-types': { status: 200, body: { job_types: [...served.job_types, unknownType] } },
      '/v1/jobs': {
        status: 400,
        body: { error: { code: 'INVALID_PAYLOAD', message: 'payload.text: is required', details: { fields: [{ field: 'payload.text', message: 'is required' }] }, trace_id: TRACE_ID } },
      },
    });
    await user.selectOptions(screen.getByLabelText('Job type'), 'label_printer');
    expect(descriptionOf('Text')).toEqual(['required', 'What the label says']);
    expect(screen.getByLabelText('Copies').getAttribute('aria-required')).toBe('false');
    expect(screen.getByText('This form has no control for Tags: submit such a payload over the API.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect(await screen.findByText('Text is required')).toBeTruthy();
    expect(messagesFor('Text')).toEqual(['Text is required']);
    expect(submitted(requested)).toEqual(['POST /v1/jobs']);
  });

  it('says the job types are loading, and when they cannot be, offers Retry', async () => {
    let answer = { status: 500, body: { error: { code: 'INTERNAL', message: 'the job types are not there', trace_id: TRACE_ID } } };
    fakeApi({ '/v1/job-types': () => answer });
    const user = renderWithQueryClient(<SubmitForm />);
    expect(screen.getByRole('status').textContent).toBe('Loading the job types…');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The job types could not be loaded: the job types are not there (INTERNAL)');

    answer = JOB_TYPES_ANSWER as typeof answer;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByLabelText('Job type')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
