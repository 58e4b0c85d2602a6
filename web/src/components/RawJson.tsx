import { useId } from 'react';
import { CopyButton } from './CopyButton.js';

/** A value as indented JSON, as the API gave it, with a copy button; "none" when there is no value. */
export function RawJson({ title, value }: { title: string; value: unknown }) {
  const id = useId();
  const text = value === undefined || value === null ? null : JSON.stringify(value, null, 2);
  return (
    <figure className="raw-json" aria-labelledby={id}>
      <figcaption className="raw-json-head">
        <span id={id}>{title}</span>
        {text !== null && <CopyButton text={text} label={`Copy ${title.toLowerCase()} JSON`} />}
      </figcaption>
      {text === null ? (
        <p className="muted">none</p>
      ) : (
        <pre className="raw-json-body" tabIndex={0} aria-label={`${title} JSON`}>
          <code>{text}</code>
        </pre>
      )}
    </figure>
  );
}
