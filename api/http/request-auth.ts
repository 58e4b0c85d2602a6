import { ForbiddenError, UnauthorizedError } from '../../core/errors/index.js';
import { ApiKeyAuth, presentedKey, type HeaderReader } from './api-key-auth.js';

/**
 * The caller App Service Authentication signed in, as it tells the app
 * (learn.microsoft.com/azure/app-service/configure-authentication-user-identities). App Service
 * strips these headers from client requests, so they can be trusted only behind it.
 */
export const PRINCIPAL_ID_HEADER = 'x-ms-client-principal-id';

export interface RequestAuthOptions {
  /** API keys (API_KEYS, API_KEYS_FILE): for services and scripts. */
  keys: readonly string[];
  /** APP_SERVICE_AUTH: App Service Authentication runs in front of this process. */
  trustAppServicePrincipal: boolean;
}

/**
 * Who may call the routes with authLevel 'function' (the job routes). One decision for both
 * hosts:
 *
 * - behind App Service Authentication (APP_SERVICE_AUTH=true), a request that carries the
 *   principal it injects is served: the platform has validated the caller's Entra ID token.
 *   `Authorization` then belongs to that token, so an API key is taken from `x-api-key` only;
 * - with API keys configured, a configured key is served (`x-api-key`, or `Authorization: Bearer`
 *   when no App Service Authentication is in front);
 * - with neither, the routes are open.
 *
 * No credentials → 401 (UNAUTHORIZED, with WWW-Authenticate); a key that is refused → 403.
 */
export class RequestAuth {
  private readonly keys: ApiKeyAuth;
  readonly trustsPrincipal: boolean;

  constructor(options: RequestAuthOptions) {
    this.keys = new ApiKeyAuth(options.keys);
    this.trustsPrincipal = options.trustAppServicePrincipal;
  }

  /** False when nothing is checked: every route is open. */
  get enabled(): boolean {
    return this.trustsPrincipal || this.keys.enabled;
  }

  /** For the first log line: which checks apply and how many keys there are, never which. */
  describe(): string {
    if (!this.trustsPrincipal) return this.keys.describe();
    return this.keys.enabled ? `app-service sign-in or ${this.keys.describe()}` : 'app-service sign-in';
  }

  /** Throws UnauthorizedError or ForbiddenError unless the request may call a protected route. */
  verify(headers: HeaderReader): void {
    if (!this.enabled) return;
    if (this.trustsPrincipal && headers.get(PRINCIPAL_ID_HEADER)?.trim()) return;
    const key = presentedKey(headers, { bearer: !this.trustsPrincipal });
    if (key === undefined || !this.keys.enabled) throw new UnauthorizedError(this.challenge());
    if (!this.keys.matches(key)) throw new ForbiddenError();
  }

  private challenge(): string | undefined {
    if (!this.trustsPrincipal) return undefined;
    const token = 'sign in: send an Entra ID access token for dtq\'s API as "Authorization: Bearer <token>"';
    return this.keys.enabled ? `${token}, or an API key as "x-api-key: <key>"` : token;
  }
}
