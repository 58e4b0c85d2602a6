import type { PublicClientApplication, AccountInfo } from '@azure/msal-browser';
import { parseSignInConfig, REDIRECT_PATH, type SignInConfig } from './sign-in-config.js';

/**
 * Entra ID sign-in with MSAL.js (authorization code flow with PKCE, redirect interaction), when
 * the build names an app registration (VITE_AUTH_CLIENT_ID, VITE_AUTH_AUTHORITY, VITE_AUTH_SCOPE);
 * undefined otherwise, and the UI asks for an API key when the API wants one.
 */
export const SIGN_IN: SignInConfig | undefined = parseSignInConfig((import.meta as { env?: Record<string, string | undefined> }).env ?? {});

/** The token could not be had without the user: the page is navigating to Entra ID. */
export class SignInRedirectError extends Error {
  constructor() {
    super('signing in again with Microsoft Entra ID');
    this.name = 'SignInRedirectError';
  }
}

let client: Promise<PublicClientApplication> | undefined;

/**
 * One MSAL client per page, loaded only when sign-in is configured. It finishes a sign-in the
 * redirect bridge brought back (handleRedirectPromise) before anything asks for a token.
 */
function msal(config: SignInConfig): Promise<PublicClientApplication> {
  client ??= (async () => {
    const { PublicClientApplication } = await import('@azure/msal-browser');
    const app = new PublicClientApplication({
      auth: {
        clientId: config.clientId,
        authority: config.authority,
        redirectUri: new URL(REDIRECT_PATH, window.location.origin).href,
        postLogoutRedirectUri: new URL('/', window.location.origin).href,
      },
      // The tab's session only, as the API key was kept.
      cache: { cacheLocation: 'sessionStorage' },
    });
    await app.initialize();
    const result = await app.handleRedirectPromise();
    if (result?.account) app.setActiveAccount(result.account);
    return app;
  })();
  return client;
}

function signedInAccount(app: PublicClientApplication): AccountInfo | null {
  const account = app.getActiveAccount() ?? app.getAllAccounts()[0] ?? null;
  if (account) app.setActiveAccount(account);
  return account;
}

/** At start-up: true once someone is signed in; otherwise starts the sign-in (the page navigates away) and resolves false. */
export async function ensureSignedIn(config: SignInConfig): Promise<boolean> {
  const app = await msal(config);
  if (signedInAccount(app)) return true;
  await app.loginRedirect({ scopes: [config.scope] });
  return false;
}

/** An access token for dtq's API, from MSAL's cache or refreshed silently; when that needs the user, signs in again. */
export async function accessToken(config: SignInConfig): Promise<string> {
  const app = await msal(config);
  const account = signedInAccount(app);
  if (!account) {
    await app.loginRedirect({ scopes: [config.scope] });
    throw new SignInRedirectError();
  }
  return silentTokenOrSignIn(app, { scopes: [config.scope], account });
}

/**
 * The token from MSAL's cache or a silent renewal; when that cannot succeed without the person,
 * a redirect to sign in (and SignInRedirectError). Besides Entra asking for interaction, that is a
 * renewal that timed out: after a day the refresh token is spent and the renewal runs in a hidden
 * iframe that Entra cannot complete without the person, so MSAL gives up waiting (timed_out).
 * Rethrowing that would fail every call of an open tab until it is reloaded.
 */
export async function silentTokenOrSignIn(
  app: Pick<PublicClientApplication, 'acquireTokenSilent' | 'acquireTokenRedirect'>,
  request: { scopes: string[]; account: AccountInfo },
): Promise<string> {
  const { BrowserAuthError, BrowserAuthErrorCodes, InteractionRequiredAuthError } = await import('@azure/msal-browser');
  try {
    return (await app.acquireTokenSilent(request)).accessToken;
  } catch (error) {
    const renewalTimedOut = error instanceof BrowserAuthError && error.errorCode === BrowserAuthErrorCodes.timedOut;
    if (!(error instanceof InteractionRequiredAuthError) && !renewalTimedOut) throw error;
    await app.acquireTokenRedirect(request);
    throw new SignInRedirectError();
  }
}

/** After the API refused the token (401): sign in again, letting the person pick the account. */
export async function signInAgain(config: SignInConfig): Promise<void> {
  const app = await msal(config);
  await app.loginRedirect({ scopes: [config.scope], prompt: 'select_account' });
}
