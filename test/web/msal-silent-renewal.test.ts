// The web UI's token renewal (web/src/sign-in/msal-sign-in.ts): a silent renewal that times out
// (MSAL's own BrowserAuthError timed_out, as a hidden-iframe renewal ends after a day) sends the
// person to sign in, as Entra asking for interaction does, instead of failing every API call of
// the open tab until it is reloaded. Other errors still surface. The MSAL client is a stand-in
// with MSAL's method names; the errors are MSAL's own classes.
import type { AccountInfo } from '@azure/msal-browser';
import { BrowserAuthError, BrowserAuthErrorCodes, InteractionRequiredAuthError } from '@azure/msal-browser';
import { describe, expect, it } from 'vitest';
import { SignInRedirectError, silentTokenOrSignIn } from '../../web/src/sign-in/msal-sign-in.js';

const account = { homeAccountId: 'h', environment: 'login.microsoftonline.com', tenantId: 't', username: 'someone@example.com', localAccountId: 'l' } as AccountInfo;
const request = { scopes: ['api://dtq/user_impersonation'], account };

function client(silent: () => Promise<{ accessToken: string }>) {
  const redirects: unknown[] = [];
  return {
    redirects,
    app: {
      acquireTokenSilent: silent,
      acquireTokenRedirect: async (r: unknown) => {
        redirects.push(r);
      },
    } as never,
  };
}

describe('silentTokenOrSignIn', () => {
  it('answers the token a silent renewal got', async () => {
    const { app, redirects } = client(async () => ({ accessToken: 'token-1' }));
    expect(await silentTokenOrSignIn(app, request)).toBe('token-1');
    expect(redirects).toEqual([]);
  });

  it('redirects to sign in when the silent renewal times out', async () => {
    const { app, redirects } = client(async () => {
      throw new BrowserAuthError(BrowserAuthErrorCodes.timedOut, 'the renewal iframe did not answer in time');
    });
    await expect(silentTokenOrSignIn(app, request)).rejects.toBeInstanceOf(SignInRedirectError);
    expect(redirects).toEqual([request]);
  });

  it('redirects to sign in when Entra asks for interaction', async () => {
    const { app, redirects } = client(async () => {
      throw new InteractionRequiredAuthError('login_required', 'Entra asks the person to sign in');
    });
    await expect(silentTokenOrSignIn(app, request)).rejects.toBeInstanceOf(SignInRedirectError);
    expect(redirects).toHaveLength(1);
  });

  it('lets other failures through (no redirect loop on, say, a network error)', async () => {
    const { app, redirects } = client(async () => {
      throw new BrowserAuthError(BrowserAuthErrorCodes.noNetworkConnectivity, 'offline');
    });
    await expect(silentTokenOrSignIn(app, request)).rejects.toBeInstanceOf(BrowserAuthError);
    expect(redirects).toEqual([]);
  });
});
