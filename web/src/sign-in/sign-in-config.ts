/** Where and as whom the web UI signs people in with Microsoft Entra ID (MSAL.js). */
export interface SignInConfig {
  /** The web UI's app registration (a single-page application with the redirect URI below). */
  clientId: string;
  /** `https://login.microsoftonline.com/<tenant id>` (or a sovereign cloud's login host). */
  authority: string;
  /** The delegated scope of dtq's API the token is for, e.g. `api://<api client id>/user_impersonation`. */
  scope: string;
}

/** The build-time variables that switch sign-in on; all three or none. */
export const SIGN_IN_VARIABLES = ['VITE_AUTH_CLIENT_ID', 'VITE_AUTH_AUTHORITY', 'VITE_AUTH_SCOPE'] as const;

/** The page Entra ID returns to (MSAL's redirect bridge, web/redirect.html). */
export const REDIRECT_PATH = '/redirect.html';

/**
 * Reads the sign-in variables: none set → undefined (the UI asks for an API key when the API
 * wants one); all set and valid → the config; anything else is a build mistake and throws.
 */
export function parseSignInConfig(env: Record<string, string | undefined>): SignInConfig | undefined {
  const [clientId, authority, scope] = SIGN_IN_VARIABLES.map((name) => (env[name] ?? '').trim());
  const set = SIGN_IN_VARIABLES.filter((name) => (env[name] ?? '').trim() !== '');
  if (set.length === 0) return undefined;
  if (set.length < SIGN_IN_VARIABLES.length) {
    const missing = SIGN_IN_VARIABLES.filter((name) => !set.includes(name));
    throw new Error(`sign-in needs ${SIGN_IN_VARIABLES.join(', ')} together; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId!)) {
    throw new Error(`VITE_AUTH_CLIENT_ID must be an app registration's client id (a GUID); got "${clientId}"`);
  }
  let url: URL;
  try {
    url = new URL(authority!);
  } catch {
    throw new Error(`VITE_AUTH_AUTHORITY must be an https URL such as https://login.microsoftonline.com/<tenant id>; got "${authority}"`);
  }
  if (url.protocol !== 'https:' || url.pathname.replace(/\/+$/, '') === '') {
    throw new Error(`VITE_AUTH_AUTHORITY must be an https URL with the tenant, such as https://login.microsoftonline.com/<tenant id>; got "${authority}"`);
  }
  if (/\s/.test(scope!)) throw new Error(`VITE_AUTH_SCOPE must be one scope, such as api://<api client id>/user_impersonation; got "${scope}"`);
  return { clientId: clientId!, authority: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, scope: scope! };
}
