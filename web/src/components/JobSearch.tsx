import { useId, useState, type FormEvent } from 'react';
import { jobPath, navigate } from '../router.js';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Opens a job by its id, pasted whole; anything else is answered beside the field. */
export function JobSearch() {
  const id = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const jobId = value.trim().toLowerCase();
    if (!JOB_ID.test(jobId)) {
      setError('Enter a whole job id, e.g. 0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d');
      return;
    }
    setError(null);
    navigate(jobPath(jobId));
  }
  return (
    <form className="job-search" role="search" aria-label="Find a job" onSubmit={onSubmit} noValidate>
      <div className={`field field-inline${error ? ' field-invalid' : ''}`}>
        <label htmlFor={id}>Find a job by id</label>
        <input
          id={id}
          value={value}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          {...(error ? { 'aria-describedby': `${id}-error` } : {})}
          onChange={(event) => setValue(event.target.value)}
        />
        {error && (
          <p id={`${id}-error`} className="field-error">
            {error}
          </p>
        )}
      </div>
      <button type="submit" className="button-secondary">
        Open
      </button>
    </form>
  );
}
