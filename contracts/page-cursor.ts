/**
 * The opaque keyset cursor of every paged listing: the sort position (a timestamp and the job id
 * breaking ties) of the last item on a page, so the next page starts strictly after it. It lives
 * in the contracts so the API can refuse a cursor it never gave out before any store reads it.
 */
export interface CursorPosition {
  at: string;
  id: string;
  /**
   * Set on a jobs-list cursor that continues past the status window into the stored results
   * (`at` is then a completion time); absent for every other cursor.
   */
  source?: 'results';
}

export function encodeCursor(position: CursorPosition): string {
  return toBase64Url(JSON.stringify(position.source ? [position.at, position.id, position.source] : [position.at, position.id]));
}

/** The position a cursor names, or undefined for one this API did not write. */
export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (!cursor || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const decoded = JSON.parse(fromBase64Url(cursor)) as unknown;
    if (!Array.isArray(decoded) || (decoded.length !== 2 && !(decoded.length === 3 && decoded[2] === 'results'))) return undefined;
    const [at, id] = decoded as unknown[];
    if (typeof at === 'string' && typeof id === 'string') return decoded.length === 3 ? { at, id, source: 'results' } : { at, id };
  } catch {
    // not JSON: not one of ours
  }
  return undefined;
}

// Contracts are shared with the browser, which has no Buffer: base64url over UTF-8 by hand.
function toBase64Url(text: string): string {
  const binary = Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join('');
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}
