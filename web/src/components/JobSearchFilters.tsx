import { useId, useState, type FormEvent } from 'react';
import type { JobListFilters } from '../api/api-client.js';

type SearchFields = Pick<JobListFilters, 'q' | 'submitted_after' | 'submitted_before'>;

/** `datetime-local` speaks the browser's local time; the API speaks UTC. */
const toInput = (iso: string | undefined) => {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromInput = (local: string) => (local ? new Date(local).toISOString() : undefined);

/**
 * Search by label or id (what the job's input is about: city, currency pair, user, tag) and the
 * time range of submission, applied together; a label picked from a row shows here to clear.
 */
export function JobSearchFilters({ value, onChange }: { value: JobListFilters; onChange: (next: JobListFilters) => void }) {
  const id = useId();
  const [q, setQ] = useState(value.q ?? '');
  const [after, setAfter] = useState(toInput(value.submitted_after));
  const [before, setBefore] = useState(toInput(value.submitted_before));
  function apply(event: FormEvent) {
    event.preventDefault();
    const next: JobListFilters = { ...value };
    const fields: SearchFields = { q: q.trim() || undefined, submitted_after: fromInput(after), submitted_before: fromInput(before) };
    for (const [name, field] of Object.entries(fields) as Array<[keyof SearchFields, string | undefined]>) {
      if (field) next[name] = field;
      else delete next[name];
    }
    onChange(next);
  }
  function clearLabel() {
    const { label: _label, ...rest } = value;
    onChange(rest);
  }
  return (
    <form className="search-filters" role="search" aria-label="Search jobs" onSubmit={apply}>
      <div className="field field-inline">
        <label htmlFor={`${id}-q`}>Search label or id</label>
        <input id={`${id}-q`} value={q} placeholder="Austin, USD EUR, @octocat…" onChange={(event) => setQ(event.target.value)} />
      </div>
      <div className="field field-inline">
        <label htmlFor={`${id}-after`}>Submitted from</label>
        <input id={`${id}-after`} type="datetime-local" value={after} onChange={(event) => setAfter(event.target.value)} />
      </div>
      <div className="field field-inline">
        <label htmlFor={`${id}-before`}>Submitted before</label>
        <input id={`${id}-before`} type="datetime-local" value={before} onChange={(event) => setBefore(event.target.value)} />
      </div>
      <button type="submit" className="button-secondary">
        Search
      </button>
      {value.label && (
        <p className="label-chip">
          Label “{value.label}”{' '}
          <button type="button" className="button-secondary button-small" onClick={clearLabel}>
            Show all labels
          </button>
        </p>
      )}
    </form>
  );
}
