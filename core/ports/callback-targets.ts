/** Where a callback URL's request goes: the one address its host resolved to and was checked. */
export type CallbackTarget = { ok: true; url: URL; address: string; family: 4 | 6 } | { ok: false; problem: string };

/**
 * Decides whether dtq may call a callback URL (CALLBACK_ALLOWED_HOSTS; no private, loopback or
 * link-local address unless the host is listed) after resolving its host. A delivery connects to
 * the address answered, so a name that resolves elsewhere between check and connect changes nothing.
 */
export interface CallbackTargets {
  resolve(url: string): Promise<CallbackTarget>;
}
