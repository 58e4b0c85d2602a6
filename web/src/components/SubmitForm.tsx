import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { FieldIssue } from '../../../contracts/errors.js';
import type { ServedJobType } from '../api/api-client.js';
import { ApiError, NetworkError } from '../api/api-errors.js';
import { useJobTypes } from '../api/job-type-queries.js';
import { useSubmitJob } from '../api/use-submit-job.js';
import { payloadForm } from '../forms/payload-fields.js';
import { exampleValues, initialValues, issuesByControl, validatePayload, type FormValues } from '../forms/validate-payload.js';
import { ErrorNotice } from './ErrorNotice.js';
import { SubmitSuccess } from './SubmitSuccess.js';
import { FieldErrors, PayloadField } from './PayloadField.js';
import { PriorityField } from './PriorityField.js';
import type { JobPriority } from '../../../contracts/job-priority.js';

/**
 * The submit form, generated from the job types the API lists (GET /v1/job-types): their names,
 * and a control per payload field from each one's JSON Schema. Until they load, or when they
 * cannot, the card says so.
 */
export function SubmitForm() {
  const headingId = useId();
  const jobTypes = useJobTypes();
  if (jobTypes.data && jobTypes.data.length > 0) return <JobForm types={jobTypes.data} />;
  return (
    <section className="card submit-form" aria-labelledby={headingId}>
      <h2 id={headingId}>Submit a job</h2>
      {jobTypes.isPending && (
        <p className="muted" role="status">
          Loading the job types…
        </p>
      )}
      {jobTypes.isError && <ErrorNotice error={jobTypes.error} context="The job types could not be loaded" onRetry={() => void jobTypes.refetch()} />}
      {jobTypes.data && <p className="muted">The API runs no job types.</p>}
    </section>
  );
}

/**
 * The form for the listed types. The bundle's contract checks a type's values before sending
 * (same words as the API); whatever the API still rejects is shown next to the field it names.
 */
function JobForm({ types }: { types: readonly ServedJobType[] }) {
  const formRef = useRef<HTMLFormElement>(null);
  const typeId = useId();
  const [jobType, setJobType] = useState(types[0]!.job_type);
  const [valuesByType, setValuesByType] = useState<Record<string, FormValues>>({});
  const [checkOnEdit, setCheckOnEdit] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [priority, setPriority] = useState<JobPriority | ''>('');
  const submit = useSubmitJob();

  // A type the API stops listing (after a refetch) gives way to the first it lists.
  const selected = types.find((type) => type.job_type === jobType) ?? types[0]!;
  const { fields, unsupported } = useMemo(() => payloadForm(selected.payload_schema), [selected]);
  const values = valuesByType[selected.job_type] ?? initialValues(fields);
  const check = validatePayload(selected.job_type, fields, values);
  const clientIssues = checkOnEdit && !check.ok ? check.issues : [];
  const issues = issuesByControl([...clientIssues, ...serverIssues], fields);

  function changeType(next: string) {
    setJobType(next);
    setCheckOnEdit(false);
    setServerIssues([]);
    submit.reset();
  }

  function setValues(next: FormValues) {
    setValuesByType((all) => ({ ...all, [selected.job_type]: next }));
  }

  function changeValue(name: string, value: string) {
    setValues({ ...values, [name]: value });
    setServerIssues((current) => current.filter((issue) => issue.field !== `payload.${name}`));
  }

  function fillExample() {
    setValues(exampleValues(fields, selected.example_payload));
    setServerIssues([]);
  }

  function send() {
    setCheckOnEdit(true);
    if (!check.ok) {
      focusFirstInvalid(formRef.current, issuesByControl(check.issues, fields));
      return;
    }
    setServerIssues([]);
    submit.mutate(
      { job_type: selected.job_type, payload: check.payload, ...(priority ? { priority } : {}) },
      { onError: (error) => error instanceof ApiError && setServerIssues(error.fields) },
    );
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!submit.isPending) send();
  }

  const formIssues = issues.get('') ?? [];
  const typeIssues = issues.get('job_type') ?? [];
  const priorityIssues = serverIssues.filter((issue) => issue.field === 'priority').map((issue) => issue.message);
  const error = submit.error;
  const retryable = error instanceof NetworkError || (error instanceof ApiError && error.status >= 500);

  return (
    <form ref={formRef} className="card submit-form" onSubmit={onSubmit} noValidate aria-labelledby={`${typeId}-heading`}>
      <h2 id={`${typeId}-heading`}>Submit a job</h2>
      <div className={`field${typeIssues.length ? ' field-invalid' : ''}`}>
        <div className="field-label">
          <label htmlFor={typeId}>Job type</label>
        </div>
        <select
          id={typeId}
          name="job_type"
          value={selected.job_type}
          aria-describedby={`${typeId}-about`}
          onChange={(e) => changeType(e.target.value)}
        >
          {types.map((type) => (
            <option key={type.job_type} value={type.job_type}>
              {type.display_name}
            </option>
          ))}
        </select>
        <div className="job-type-about">
          <p id={`${typeId}-about`} className="field-help">
            {selected.description}
          </p>
          <button type="button" className="button-secondary button-small" onClick={fillExample}>
            Use the example
          </button>
        </div>
        {typeIssues.length > 0 && <FieldErrors id={`${typeId}-error`} label="Job type" messages={typeIssues} />}
      </div>
      {fields.map((field) => (
        <PayloadField
          key={`${selected.job_type}:${field.name}`}
          field={field}
          value={values[field.name] ?? ''}
          errors={issues.get(field.name) ?? []}
          onChange={changeValue}
        />
      ))}
      <PriorityField
        value={priority}
        typeDefault={selected.defaults.priority ?? 'normal'}
        errors={priorityIssues}
        onChange={(next) => {
          setPriority(next);
          setServerIssues((current) => current.filter((issue) => issue.field !== 'priority'));
        }}
      />
      {unsupported.length > 0 && <p className="muted">This form has no control for {unsupported.join(', ')}: submit such a payload over the API.</p>}
      {formIssues.length > 0 && (
        <ul className="form-issues">
          {formIssues.map((message, index) => (
            <li key={`${index}:${message}`}>{message}</li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <button type="submit" disabled={submit.isPending}>
          Submit
        </button>
        {submit.isPending && <span className="muted">Sending…</span>}
      </div>
      {error && <ErrorNotice error={error} context="The job was not submitted" {...(retryable ? { onRetry: send } : {})} />}
      {submit.isSuccess && <SubmitSuccess response={submit.data} />}
    </form>
  );
}

function focusFirstInvalid(form: HTMLFormElement | null, byControl: Map<string, string[]>): void {
  const first = [...byControl.keys()].find((name) => name !== '');
  const control = first ? form?.elements.namedItem(first) : null;
  if (control instanceof HTMLElement) control.focus();
}
