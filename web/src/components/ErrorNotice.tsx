import { describeError } from '../api/api-errors.js';

/** An error in words, with a Retry button when trying again can help. */
export function ErrorNotice({ error, onRetry, context }: { error: unknown; onRetry?: () => void; context?: string }) {
  return (
    <div role="alert" className="notice notice-error">
      <p>
        {context ? `${context}: ` : ''}
        {describeError(error)}
      </p>
      {onRetry && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
