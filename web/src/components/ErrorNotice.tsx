import { describeError, isApiError } from '../api/api-errors.js';
import { SIGN_IN } from '../sign-in/msal-sign-in.js';
import { ApiKeyForm } from './ApiKeyForm.js';
import { SignInAgainButton } from './SignInAgainButton.js';

/**
 * An error in words, with a Retry button when trying again can help, and, when the API refused
 * the request for want of credentials, a place to enter an API key or (with Entra ID sign-in)
 * a button to sign in again.
 */
export function ErrorNotice({ error, onRetry, context }: { error: unknown; onRetry?: () => void; context?: string }) {
  // With Entra ID sign-in the UI holds no key: a refused token means signing in again.
  const signInAgain = SIGN_IN !== undefined && isApiError(error, 'UNAUTHORIZED');
  const needsKey = SIGN_IN === undefined && (isApiError(error, 'UNAUTHORIZED') || isApiError(error, 'FORBIDDEN'));
  return (
    <div role="alert" className="notice notice-error">
      <p>
        {context ? `${context}: ` : ''}
        {describeError(error)}
      </p>
      {needsKey && <ApiKeyForm {...(onRetry ? { onSaved: onRetry } : {})} />}
      {signInAgain && SIGN_IN && <SignInAgainButton config={SIGN_IN} />}
      {onRetry && !needsKey && !signInAgain && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
