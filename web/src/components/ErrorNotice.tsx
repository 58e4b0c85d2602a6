import { describeError, isApiError } from '../api/api-errors.js';
import { ApiKeyForm } from './ApiKeyForm.js';

/**
 * An error in words, with a Retry button when trying again can help, and a place to enter an
 * API key when the API refused the request for want of one.
 */
export function ErrorNotice({ error, onRetry, context }: { error: unknown; onRetry?: () => void; context?: string }) {
  const needsKey = isApiError(error, 'UNAUTHORIZED') || isApiError(error, 'FORBIDDEN');
  return (
    <div role="alert" className="notice notice-error">
      <p>
        {context ? `${context}: ` : ''}
        {describeError(error)}
      </p>
      {needsKey && <ApiKeyForm {...(onRetry ? { onSaved: onRetry } : {})} />}
      {onRetry && !needsKey && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
