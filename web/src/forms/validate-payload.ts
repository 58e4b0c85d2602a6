import type { FieldIssue } from '../../../contracts/errors.js';
import { PARSE_OPTIONS, toFieldIssues } from '../../../contracts/field-issues.js';
import { JobPayloadSchemas, type JobType } from '../../../contracts/job-types.js';
import type { FieldSpec } from './payload-fields.js';

/** What the controls hold: text, keyed by payload field name. */
export type FormValues = Record<string, string>;

/** The field path prefix the API puts on payload issues (`payload.city`). */
export const PAYLOAD_PREFIX = 'payload';

/** Controls' text → the payload the API receives. An empty control means the field is not given. */
export function toPayload(fields: readonly FieldSpec[], values: FormValues): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? '';
    if (raw === '' || (field.kind !== 'text' && raw.trim() === '')) continue;
    payload[field.name] = field.kind === 'number' ? Number(raw) : raw;
  }
  return payload;
}

export type PayloadCheck = { ok: true; payload: Record<string, unknown> } | { ok: false; issues: FieldIssue[] };

/** Whether this bundle was built with the job type's contract (the API may know more types). */
export function isBundledJobType(jobType: string): jobType is JobType {
  return Object.hasOwn(JobPayloadSchemas, jobType);
}

/**
 * Runs the contract's payload schema and words its issues exactly as the API does. A job type
 * this bundle has no contract for is left to the API, whose 400 names the field all the same.
 */
export function validatePayload(jobType: string, fields: readonly FieldSpec[], values: FormValues): PayloadCheck {
  const payload = toPayload(fields, values);
  if (!isBundledJobType(jobType)) return { ok: true, payload };
  const parsed = JobPayloadSchemas[jobType].safeParse(payload, PARSE_OPTIONS);
  if (parsed.success) return { ok: true, payload: parsed.data };
  return { ok: false, issues: toFieldIssues(parsed.error, PAYLOAD_PREFIX) };
}

/** Issues keyed by the control they concern; issues no control owns go under ''. */
export function issuesByControl(issues: readonly FieldIssue[], controls: readonly FieldSpec[]): Map<string, string[]> {
  const names = new Set(controls.map((c) => c.name));
  const byControl = new Map<string, string[]>();
  for (const issue of issues) {
    const name = issue.field.startsWith(`${PAYLOAD_PREFIX}.`) ? issue.field.slice(PAYLOAD_PREFIX.length + 1) : issue.field;
    const key = names.has(name) ? name : issue.field === 'job_type' ? 'job_type' : '';
    byControl.set(key, [...(byControl.get(key) ?? []), issue.message]);
  }
  return byControl;
}

/** Initial control values: the schema's default, else a required choice's first option, else empty. */
export function initialValues(fields: readonly FieldSpec[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.name, f.initial ?? (f.kind === 'enum' && f.required ? (f.options?.[0] ?? '') : '')]));
}

/** The controls filled from a job type's example payload; fields it leaves out start as usual. */
export function exampleValues(fields: readonly FieldSpec[], example: Record<string, unknown>): FormValues {
  const values = initialValues(fields);
  for (const field of fields) {
    const value = example[field.name];
    if (typeof value === 'string' || typeof value === 'number') values[field.name] = String(value);
  }
  return values;
}
