import { z } from 'zod';
import type { FieldIssue } from './errors.js';

/**
 * What text dtq accepts in a payload, for every job type alike: any Unicode text except the C0
 * control characters other than tab, line feed and carriage return (U+0000..U+0008, U+000B,
 * U+000C, U+000E..U+001F), and no unpaired UTF-16 surrogate. Stores and providers refuse or
 * mangle those (PostgreSQL, under FerretDB, refuses NUL in a document), so a job holding one
 * could never end well: it is refused at submit, with the field named.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this rule's purpose
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
/** A high surrogate without its low one after it, or a low one without its high one before it. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The same rule as a JSON Schema `pattern` (ECMA-262), put on every free-text payload string. */
export const PAYLOAD_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F]*$';

export const CONTROL_CHARACTER_MESSAGE = 'must not contain control characters';
export const UNPAIRED_SURROGATE_MESSAGE = 'must be valid Unicode text (it has an unpaired surrogate)';

/**
 * The strings of a payload (values and keys, at any depth) that break the text rule, as field
 * issues under `prefix` (`payload.city`). Checked on the payload as the client sent it, before
 * a schema trims or converts it.
 */
export function payloadTextIssues(value: unknown, prefix: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const visit = (node: unknown, field: string): void => {
    if (typeof node === 'string') {
      const message = textIssue(node);
      if (message) issues.push({ field, message });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${field}.${index}`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        const keyIssue = textIssue(key);
        // A key that breaks the rule is named by a printable stand-in, never echoed raw.
        if (keyIssue) issues.push({ field: `${field}.${JSON.stringify(key).slice(1, -1)}`, message: keyIssue });
        else visit(item, `${field}.${key}`);
      }
    }
  };
  visit(value, prefix);
  return issues;
}

function textIssue(text: string): string | null {
  if (CONTROL_CHARACTER.test(text)) return CONTROL_CHARACTER_MESSAGE;
  if (UNPAIRED_SURROGATE.test(text)) return UNPAIRED_SURROGATE_MESSAGE;
  return null;
}

type JsonSchemaNode = Record<string, unknown>;

/** A payload schema as JSON Schema, the text rule included: what contracts/json-schema/ and GET /v1/job-types publish. */
export function payloadJsonSchema(payload: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(payload, { io: 'input', override: addPayloadTextPattern }) as Record<string, unknown>;
}

/**
 * Adds the text rule to a payload's JSON Schema node when it is a free-text string (no enum,
 * const or format): as its `pattern`, or beside a pattern of its own in `allOf`. Given to
 * `z.toJSONSchema` as its `override`, so the published schema says what submit refuses.
 */
function addPayloadTextPattern({ jsonSchema }: { jsonSchema: JsonSchemaNode }): void {
  if (jsonSchema.type !== 'string' || 'enum' in jsonSchema || 'const' in jsonSchema || 'format' in jsonSchema) return;
  if (jsonSchema.pattern === undefined) {
    jsonSchema.pattern = PAYLOAD_TEXT_PATTERN;
    return;
  }
  // zod may hand the same node over more than once: add the rule once.
  const allOf = Array.isArray(jsonSchema.allOf) ? (jsonSchema.allOf as JsonSchemaNode[]) : [];
  if (jsonSchema.pattern === PAYLOAD_TEXT_PATTERN || allOf.some((part) => part.pattern === PAYLOAD_TEXT_PATTERN)) return;
  jsonSchema.allOf = [...allOf, { pattern: PAYLOAD_TEXT_PATTERN }];
}
