import type { z } from 'zod';
import type { FieldIssue } from './errors.js';

/** Turns zod issues into `{field, message}` pairs whose field is a dotted path under `prefix`. */
export function toFieldIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys?: string[] }).keys ?? [];
      return {
        field: joinPath(prefix, [...path, keys[0] ?? '']),
        message: `is not a known field${keys.length > 1 ? ` (nor are ${keys.slice(1).join(', ')})` : ''}`,
      };
    }
    return { field: joinPath(prefix, path), message: describe(issue) };
  });
}

function joinPath(prefix: string | undefined, path: string[]): string {
  const parts = prefix ? [prefix, ...path] : path;
  return parts.filter((p) => p !== '').join('.') || '(body)';
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const received = (issue as { input?: unknown }).input;
    if (received === undefined) return 'is required';
    return `must be ${issue.expected}`;
  }
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message;
}
