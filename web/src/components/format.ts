/** Display formats shared by the views; the browser's locale decides separators and order. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatDuration(fromIso: string | undefined, toIso: string | undefined): string {
  if (!fromIso || !toIso) return '—';
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A job's timeout in the largest whole unit that says it exactly: "30 s", "5 min", "1 h", "1500 ms". */
export function formatTimeout(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const units: Array<[number, string]> = [[3_600_000, 'h'], [60_000, 'min'], [1_000, 's']];
  const unit = units.find(([size]) => ms % size === 0);
  return unit ? `${ms / unit[0]} ${unit[1]}` : `${ms} ms`;
}

export function formatNumber(value: number, maximumFractionDigits = 6): string {
  return value.toLocaleString(undefined, { maximumFractionDigits });
}

/** The first block of a UUID: enough to tell jobs apart in a list. */
export const shortId = (id: string): string => id.slice(0, 8);
