import { describeError } from '../api/api-errors.js';
import { SIGN_IN, signInAgain } from '../sign-in/msal-sign-in.js';

/** What the page shows while MSAL signs the person in, or why it could not. */
export function SignInStatus({ error }: { error?: unknown }) {
  const config = SIGN_IN;
  return (
    <main className="app-main">
      <h1>dtq</h1>
      {error === undefined ? (
        <p role="status">Signing in with Microsoft Entra ID…</p>
      ) : (
        <div role="alert" className="notice notice-error">
          <p>{describeError(error)}</p>
          {config && (
            <button type="button" onClick={() => void signInAgain(config)}>
              Sign in
            </button>
          )}
        </div>
      )}
    </main>
  );
}
