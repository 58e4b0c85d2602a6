import type { z } from 'zod';
import { echoValue, type FieldIssue } from './errors.js';

/** Unknown fields an issue names besides the first; the rest are counted. */
const MORE_KEYS_NAMED = 3;

/** Turns zod issues into `{field, message}` pairs whose field is a dotted path under `prefix`. */
export function toFieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys?: string[] }).keys ?? [];
      return {
        field: joinPath(prefix, [...path, keys[0] ?? '']),
        message: `is not a known field${keys.length > 1 ? ` (nor are ${moreKeys(keys.slice(1))})` : ''}`,
      };
    }
    return { field: joinPath(prefix, path), message: describe(issue) };
  });
}

/** The other unknown fields, a few by name (each cut) and the rest counted. */
function moreKeys(keys: string[]): string {
  const named = keys.slice(0, MORE_KEYS_NAMED).map(echoValue).join(', ');
  return keys.length > MORE_KEYS_NAMED ? `${named} and ${keys.length - MORE_KEYS_NAMED} more` : named;
}

/** A dotted path; each segment may be a client's own key, so each is cut as an echoed value. */
function joinPath(prefix: string | undefined, path: string[]): string {
  const parts = (prefix ? [prefix, ...path] : path).map(echoValue);
  return parts.filter((p) => p !== '').join('.') || '(body)';
}

function describe(issue: z.core.$ZodIssue): string {
  // Parsed with PARSE_OPTIONS, an issue carries either its schema's own message or ours.
  return issue.message.startsWith(DTQ_WORDING) ? issue.message.slice(DTQ_WORDING.length) : issue.message;
}

/** Marks a message worded by `wordIssue`, so `describe` never words it twice. */
const DTQ_WORDING = '\u200b';

/**
 * Options for every `safeParse` of client input (toFieldIssues expects them): zod keeps the rejected value on each issue, so
 * a value of the wrong type is reported as such ("must be a string, not a number") instead of
 * as missing, and zod's own English ("Too small: expected string to have >=1 characters") is
 * replaced by ours. Messages a schema sets itself still win.
 */
export const PARSE_OPTIONS = {
  reportInput: true,
  error: (issue: z.core.$ZodRawIssue) => `${DTQ_WORDING}${wordIssue(issue as z.core.$ZodIssue)}`,
} as const;

function wordIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return 'is required';
      const expected = `must be ${withArticle(EXPECTED_WORDS[issue.expected] ?? issue.expected)}`;
      // NaN is what z.coerce.number() makes of text that is no number ("?limit=abc", PORT=abc).
      return Number.isNaN(input) ? expected : `${expected}, not ${kindOf(input)}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return bound(issue.origin, 'at least', 'greater than', issue.minimum, issue.inclusive);
    case 'too_big':
      return bound(issue.origin, 'at most', 'less than', issue.maximum, issue.inclusive);
    case 'invalid_format':
      return FORMATS[issue.format] ?? 'is not in the expected format';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return 'is not valid';
  }
}

/** zod's type names, as a JSON client knows them. */
const EXPECTED_WORDS: Record<string, string> = { record: 'object', int: 'whole number', map: 'object' };

const FORMATS: Record<string, string> = {
  uuid: 'must be a UUID',
  datetime: 'must be an RFC 3339 date-time in UTC, e.g. "2026-01-01T00:00:00Z"',
  email: 'must be an e-mail address',
  url: 'must be a URL',
};

function bound(origin: string, inclusiveWord: string, exclusiveWord: string, limit: number | bigint, inclusive = true): string {
  const word = inclusive ? inclusiveWord : exclusiveWord;
  if (origin === 'string') return `must be ${word} ${limit} character${limit === 1 ? '' : 's'} long`;
  if (origin === 'array' || origin === 'set') return `must have ${word} ${limit} item${limit === 1 ? '' : 's'}`;
  return `must be ${word} ${limit}`;
}

function withArticle(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** The JSON kind of a rejected value, in the words a client uses. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a number' : 'a number with a fraction';
  return withArticle(typeof value);
}
