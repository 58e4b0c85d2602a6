import { useId } from 'react';
import { JOB_STATES, JobStateSchema } from '../../../contracts/common.js';
import { JOB_TYPES, JobTypeSchema } from '../../../contracts/job-types.js';
import type { JobListFilters } from '../api/api-client.js';
import { JOB_TYPE_LABELS } from '../forms/job-type-labels.js';

/**
 * State and type filters for the jobs list; "all" sends no filter. The types come from the
 * bundle's catalog, not GET /v1/job-types: the filters live in the address (url-filters.ts parses
 * them with the same JobTypeSchema) and the list they filter is read with the bundle's contract,
 * so they can only name types this bundle shows, and they need no request before they work.
 */
export function JobFilters({ value, onChange }: { value: JobListFilters; onChange: (next: JobListFilters) => void }) {
  function set<K extends keyof JobListFilters>(key: K, parsed: { success: boolean; data?: JobListFilters[K] }) {
    const next = { ...value };
    if (parsed.success && parsed.data) next[key] = parsed.data;
    else delete next[key];
    onChange(next);
  }
  return (
    <div className="filters">
      <FilterSelect
        label="Filter by state"
        value={value.state ?? ''}
        allLabel="all states"
        options={JOB_STATES.map((state) => [state, state])}
        onChange={(raw) => set('state', JobStateSchema.safeParse(raw))}
      />
      <FilterSelect
        label="Filter by type"
        value={value.job_type ?? ''}
        allLabel="all types"
        options={JOB_TYPES.map((type) => [type, JOB_TYPE_LABELS[type]])}
        onChange={(raw) => set('job_type', JobTypeSchema.safeParse(raw))}
      />
    </div>
  );
}

interface FilterSelectProps {
  label: string;
  value: string;
  allLabel: string;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  onChange: (raw: string) => void;
}

function FilterSelect({ label, value, allLabel, options, onChange }: FilterSelectProps) {
  const id = useId();
  return (
    <div className="field field-inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{allLabel}</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
}
