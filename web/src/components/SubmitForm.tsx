import { useId, useRef, useState, type FormEvent } from 'react';
import type { FieldIssue } from '../../../contracts/errors.js';
import { JOB_TYPES, type JobType } from '../../../contracts/job-types.js';
import { ApiError, NetworkError } from '../api/api-errors.js';
import { useSubmitJob } from '../api/use-submit-job.js';
import { payloadFields } from '../forms/describe-payload.js';
import { JOB_TYPE_LABELS } from '../forms/job-type-labels.js';
import { initialValues, issuesByControl, validatePayload, type FormValues } from '../forms/validate-payload.js';
import { ErrorNotice } from './ErrorNotice.js';
import { SubmitSuccess } from './SubmitSuccess.js';
import { FieldErrors, PayloadField } from './PayloadField.js';

const startingValues = (): Record<JobType, FormValues> =>
  Object.fromEntries(JOB_TYPES.map((type) => [type, initialValues(payloadFields(type))])) as Record<JobType, FormValues>;

/**
 * The submit form, generated from the payload schemas in contracts/. The same schema checks the
 * values here first; whatever the API still rejects is shown next to the field it names.
 */
export function SubmitForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const typeId = useId();
  const [jobType, setJobType] = useState<JobType>(JOB_TYPES[0]);
  const [valuesByType, setValuesByType] = useState(startingValues);
  const [checkOnEdit, setCheckOnEdit] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const submit = useSubmitJob();

  const fields = payloadFields(jobType);
  const values = valuesByType[jobType];
  const check = validatePayload(jobType, values);
  const clientIssues = checkOnEdit && !check.ok ? check.issues : [];
  const issues = issuesByControl([...clientIssues, ...serverIssues], fields);

  function changeType(next: JobType) {
    setJobType(next);
    setCheckOnEdit(false);
    setServerIssues([]);
    submit.reset();
  }

  function changeValue(name: string, value: string) {
    setValuesByType((all) => ({ ...all, [jobType]: { ...all[jobType], [name]: value } }));
    setServerIssues((current) => current.filter((issue) => issue.field !== `payload.${name}`));
  }

  function send() {
    setCheckOnEdit(true);
    if (!check.ok) {
      focusFirstInvalid(formRef.current, issuesByControl(check.issues, fields));
      return;
    }
    setServerIssues([]);
    submit.mutate(
      { job_type: jobType, payload: check.payload },
      { onError: (error) => error instanceof ApiError && setServerIssues(error.fields) },
    );
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!submit.isPending) send();
  }

  const formIssues = issues.get('') ?? [];
  const typeIssues = issues.get('job_type') ?? [];
  const error = submit.error;
  const retryable = error instanceof NetworkError || (error instanceof ApiError && error.status >= 500);

  return (
    <form ref={formRef} className="card submit-form" onSubmit={onSubmit} noValidate aria-labelledby={`${typeId}-heading`}>
      <h2 id={`${typeId}-heading`}>Submit a job</h2>
      <div className={`field${typeIssues.length ? ' field-invalid' : ''}`}>
        <div className="field-label">
          <label htmlFor={typeId}>Job type</label>
        </div>
        <select id={typeId} name="job_type" value={jobType} onChange={(e) => changeType(e.target.value as JobType)}>
          {JOB_TYPES.map((type) => (
            <option key={type} value={type}>
              {JOB_TYPE_LABELS[type]}
            </option>
          ))}
        </select>
        {typeIssues.length > 0 && <FieldErrors id={`${typeId}-error`} label="Job type" messages={typeIssues} />}
      </div>
      {fields.map((field) => (
        <PayloadField key={`${jobType}:${field.name}`} field={field} value={values[field.name] ?? ''} errors={issues.get(field.name) ?? []} onChange={changeValue} />
      ))}
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
