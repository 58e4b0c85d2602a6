import { Cron } from 'croner';
import type { FieldIssue } from '../../contracts/index.js';

/** The time zone of a schedule that names none. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC';

/**
 * A cron expression and its time zone, checked: five fields (minute first) or six (seconds
 * first), parsed by croner; the zone an IANA name this runtime knows. Answers the problems in
 * dtq's words, naming the field, or none.
 */
export function cronIssues(cron: string, timezone: string): FieldIssue[] {
  if (!isKnownTimezone(timezone)) return [{ field: 'timezone', message: `"${timezone}" is not an IANA time zone (such as Europe/Berlin or UTC)` }];
  const fields = cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return [{ field: 'cron', message: `must have five fields (minute hour day month weekday) or six with seconds first; it has ${fields}` }];
  }
  let schedule: Cron;
  try {
    schedule = new Cron(cron, { timezone, paused: true });
  } catch (error) {
    return [{ field: 'cron', message: `does not parse: ${cronReason(error)}` }];
  }
  if (schedule.nextRun() === null) return [{ field: 'cron', message: 'never fires (no date matches it)' }];
  return [];
}

/** The ticks of a checked cron expression strictly after `after`, at most `count`. */
export function ticksAfter(cron: string, timezone: string, after: Date, count: number): Date[] {
  return new Cron(cron, { timezone, paused: true }).nextRuns(count, after);
}

/** The tick strictly after `after`, or null when the cron never fires again. */
export function tickAfter(cron: string, timezone: string, after: Date): Date | null {
  return ticksAfter(cron, timezone, after, 1)[0] ?? null;
}

function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** croner's reason without its class prefix ("CronPattern: Invalid value for minute: 61"). */
function cronReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Cron\w*:\s*/, '');
}
