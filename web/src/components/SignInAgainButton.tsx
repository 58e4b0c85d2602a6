import { useState } from 'react';
import { describeError } from '../api/api-errors.js';
import { signInAgain } from '../sign-in/msal-sign-in.js';
import type { SignInConfig } from '../sign-in/sign-in-config.js';

/** Shown when the API refused the Entra ID token: signs in again (the page goes to Entra ID and comes back). */
export function SignInAgainButton({ config }: { config: SignInConfig }) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <button type="button" onClick={() => void signInAgain(config).catch((error: unknown) => setProblem(describeError(error)))}>
        Sign in again
      </button>
      {problem && <p>{problem}</p>}
    </>
  );
}
