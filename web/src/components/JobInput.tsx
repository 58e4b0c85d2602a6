import { useJobTypes } from '../api/job-type-queries.js';
import { humanize, payloadForm } from '../forms/payload-fields.js';
import { Facts } from './Facts.js';

/** The payload as the form labels it (until the job types load, or for fields it does not know: the names in words). */
export function JobInput({ jobType, input }: { jobType: string; input: Record<string, unknown> }) {
  const schema = useJobTypes().data?.find((type) => type.job_type === jobType)?.payload_schema;
  const labels = new Map(schema ? payloadForm(schema).fields.map((field) => [field.name, field.label]) : []);
  const rows = Object.entries(input).map(([name, value]): [string, string] => [
    labels.get(name) ?? humanize(name),
    shortened(typeof value === 'string' ? value : JSON.stringify(value)),
  ]);
  return rows.length > 0 ? <Facts rows={rows} /> : <p className="muted">No parameters.</p>;
}

/** Longer values than this (an image in base64, a long text) show their start and their length. */
const SHOWN_CHARACTERS = 200;

function shortened(text: string): string {
  const chars = [...text];
  return chars.length <= SHOWN_CHARACTERS ? text : `${chars.slice(0, SHOWN_CHARACTERS).join('')}… (${chars.length.toLocaleString('en-US')} characters)`;
}
