import { createHash } from 'node:crypto';
import { presentedKey, type HeaderReader } from './api-key-auth.js';
import { PRINCIPAL_ID_HEADER, type RequestAuth } from './request-auth.js';
import { clientAddress } from './request-limits.js';
import type { ApiInvocation } from './api-request.js';

/**
 * Who asked, as the logs of an operator's action name them: the principal App Service signed in
 * (only when it is trusted), else the id of the API key the check accepted, else the client's
 * address. A key's id is the start of a hash made for naming keys only, so neither the key nor
 * the hash the key check keeps can be read from a log line.
 */
export function callerName(headers: HeaderReader, invocation: ApiInvocation, auth: RequestAuth | undefined): string {
  const principal = auth?.trustsPrincipal ? headers.get(PRINCIPAL_ID_HEADER)?.trim() : undefined;
  if (principal) return `principal:${principal}`;
  const key = auth ? presentedKey(headers, { bearer: !auth.trustsPrincipal }) : undefined;
  if (key) return `key:${apiKeyId(key)}`;
  return `address:${clientAddress(headers, invocation)}`;
}

/** A short, stable name of an API key for logs: 12 hex characters of a hash salted for this use alone. */
export function apiKeyId(key: string): string {
  return createHash('sha256').update(`dtq api key id\n${key}`).digest('hex').slice(0, 12);
}
