import { decodeCursor, encodeCursor, type CursorPosition } from '../../contracts/page-cursor.js';

export { decodeCursor, encodeCursor, type CursorPosition };

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
