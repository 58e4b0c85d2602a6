import type { JobType } from '../../../contracts/job-types.js';
import { humanize, payloadFields } from '../forms/describe-payload.js';
import { Facts } from './Facts.js';

/** The payload as the form labels it; fields the form does not know are still listed. */
export function JobInput({ jobType, input }: { jobType: JobType; input: Record<string, unknown> }) {
  const labels = new Map(payloadFields(jobType).map((field) => [field.name, field.label]));
  const rows = Object.entries(input).map(([name, value]): [string, string] => [
    labels.get(name) ?? humanize(name),
    typeof value === 'string' ? value : JSON.stringify(value),
  ]);
  return rows.length > 0 ? <Facts rows={rows} /> : <p className="muted">No parameters.</p>;
}
