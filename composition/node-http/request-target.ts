import type { IncomingMessage } from 'node:http';

/**
 * The origin every request URL is read against. The Host header never takes part: a client
 * chooses it freely, and `Host: evil.com/x?` must not become part of the path or the query.
 */
const FIXED_ORIGIN = 'http://localhost';

/**
 * A Host header as RFC 9112 §3.2 allows it: an IP literal in brackets or a reg-name (letters,
 * digits, `-._~!$&'()*+,;=` and %-escapes), then an optional port.
 */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::(\d{0,5}))?$/;

/**
 * What is wrong with the request's Host header, or undefined when nothing is. An HTTP/1.1
 * request must carry exactly one well-formed Host (RFC 9112 §3.2: else 400); HTTP/1.0 may omit it.
 */
export function hostHeaderProblem(req: IncomingMessage): string | undefined {
  const sent = req.headersDistinct.host;
  if (!sent) return req.httpVersionMajor === 1 && req.httpVersionMinor === 0 ? undefined : 'the Host header is required';
  if (sent.length > 1) return 'send one Host header, not several';
  const match = HOST_HEADER.exec(sent[0]!);
  if (!match) return 'the Host header must be a host name or IP address, with an optional :port';
  if (match[1] !== undefined && match[1] !== '' && Number(match[1]) > 65_535) return 'the Host header names a port above 65535';
  return undefined;
}

/**
 * The request's path and query, read from the request line alone. An absolute-form target
 * (`GET http://host/x`, as proxies send) keeps its path and query and drops its authority;
 * undefined when the target cannot be read as a URL.
 */
export function requestTarget(req: IncomingMessage): URL | undefined {
  const raw = req.url ?? '/';
  try {
    const parsed = raw.startsWith('/') ? new URL(`${FIXED_ORIGIN}${raw}`) : new URL(raw);
    return new URL(`${FIXED_ORIGIN}${parsed.pathname}${parsed.search}`);
  } catch {
    return undefined;
  }
}
