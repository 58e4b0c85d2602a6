/**
 * Opaque keyset cursor: the sort position (a timestamp and the job id breaking ties) of the
 * last item on a page, so the next page starts strictly after it.
 */
export interface CursorPosition {
  at: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && typeof id === 'string') return { at, id };
  } catch {
    // falls through: an unreadable cursor starts from the top
  }
  return undefined;
}

/** Newest first: later `at` first, then the larger id. */
export function isAfter(item: CursorPosition, cursor: CursorPosition | undefined): boolean {
  if (!cursor) return true;
  if (item.at !== cursor.at) return item.at < cursor.at;
  return item.id < cursor.id;
}

export function compareNewestFirst(a: CursorPosition, b: CursorPosition): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Takes one page from items already filtered and sorted newest first. */
export function takePage<T>(
  sorted: T[],
  position: (item: T) => CursorPosition,
  limit: number,
  cursor: string | undefined,
): { items: T[]; next_cursor: string | null } {
  const after = decodeCursor(cursor);
  const rest = sorted.filter((item) => isAfter(position(item), after));
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rest.length > limit && last ? encodeCursor(position(last)) : null };
}
