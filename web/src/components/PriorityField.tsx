import { useId } from 'react';
import { JOB_PRIORITIES, type JobPriority } from '../../../contracts/job-priority.js';
import { FieldErrors } from './PayloadField.js';

const WORDS: Record<JobPriority, string> = {
  high: 'High: starts before normal jobs waiting',
  normal: 'Normal',
  low: 'Low: waits behind normal jobs, still gets turns',
};

/**
 * The submit's priority: empty sends none, so the job gets its type's default (named in the
 * first option). The API's words for a refused value show below it.
 */
export function PriorityField({
  value,
  typeDefault,
  errors,
  onChange,
}: {
  value: JobPriority | '';
  typeDefault: JobPriority;
  errors: readonly string[];
  onChange: (value: JobPriority | '') => void;
}) {
  const id = useId();
  return (
    <div className={`field${errors.length ? ' field-invalid' : ''}`}>
      <div className="field-label">
        <label htmlFor={id}>Priority</label>
        <span className="field-hint">optional</span>
      </div>
      <select id={id} name="priority" value={value} aria-invalid={errors.length > 0 || undefined} onChange={(e) => onChange(e.target.value as JobPriority | '')}>
        <option value="">The type&apos;s default ({typeDefault})</option>
        {JOB_PRIORITIES.map((priority) => (
          <option key={priority} value={priority}>
            {WORDS[priority]}
          </option>
        ))}
      </select>
      {errors.length > 0 && <FieldErrors id={`${id}-error`} label="Priority" messages={errors} />}
    </div>
  );
}
