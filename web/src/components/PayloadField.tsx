import { useId, type ChangeEvent } from 'react';
import type { FieldSpec } from '../forms/payload-fields.js';

interface PayloadFieldProps {
  field: FieldSpec;
  value: string;
  /** Messages as the API words them ("must be ..."); shown after the field's label. */
  errors: readonly string[];
  onChange: (name: string, value: string) => void;
}

/** One generated control: its label, whether it is required, its help text, and its messages right below it. */
export function PayloadField({ field, value, errors, onChange }: PayloadFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const invalid = errors.length > 0;
  const describedBy = [hintId, ...(field.help ? [helpId] : []), ...(invalid ? [errorId] : [])].join(' ');
  const common = {
    id,
    name: field.name,
    value,
    'aria-describedby': describedBy,
    'aria-invalid': invalid || undefined,
    'aria-required': field.required,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => onChange(field.name, event.target.value),
  };

  return (
    <div className={`field${invalid ? ' field-invalid' : ''}`}>
      <div className="field-label">
        <label htmlFor={id}>{field.label}</label>
        <span id={hintId} className="field-hint">
          {field.required ? 'required' : 'optional'}
        </span>
      </div>
      {field.help && (
        <p id={helpId} className="field-help">
          {field.help}
        </p>
      )}
      {field.kind === 'enum' ? (
        <select {...common}>
          {!field.required && <option value="">(not set)</option>}
          {field.options?.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : field.kind === 'number' ? (
        <input
          {...common}
          type="number"
          inputMode={field.integer ? 'numeric' : 'decimal'}
          step={field.integer ? 1 : 'any'}
          min={field.min}
          max={field.max}
          placeholder={field.placeholder}
        />
      ) : field.multiline ? (
        <textarea {...common} rows={4} autoComplete="off" spellCheck={false} placeholder={field.placeholder} />
      ) : (
        <input {...common} type="text" autoComplete="off" spellCheck={false} placeholder={field.placeholder} />
      )}
      {invalid && <FieldErrors id={errorId} label={field.label} messages={errors} />}
    </div>
  );
}

export function FieldErrors({ id, label, messages }: { id: string; label: string; messages: readonly string[] }) {
  return (
    <p id={id} className="field-error">
      {messages.map((message, index) => (
        <span key={`${index}:${message}`}>{withLabel(label, message)}</span>
      ))}
    </p>
  );
}

/** "City" + "is required" reads as a sentence; a message that is one already keeps a colon. */
function withLabel(label: string, message: string): string {
  return /^[a-z]/.test(message) ? `${label} ${message}` : `${label}: ${message}`;
}
