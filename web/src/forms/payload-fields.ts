/** One form control, read off a job type's payload JSON Schema (GET /v1/job-types). */
export interface FieldSpec {
  name: string;
  /** The property's `title`, else its name in words. */
  label: string;
  kind: 'text' | 'number' | 'enum';
  required: boolean;
  /** The property's `description`: help text under the label. */
  help?: string;
  /** The first of the property's `examples`, when short: the empty control's placeholder. */
  placeholder?: string;
  /** The property's `default`: what the control starts on (the API would fill it in the same). */
  initial?: string;
  /** Text that may run long (`maxLength` over a line's worth): a text area. */
  multiline?: boolean;
  options?: readonly string[];
  integer?: boolean;
  min?: number;
  max?: number;
}

/** The controls of a payload, and the properties no control can hold (the API still checks them). */
export interface PayloadForm {
  fields: FieldSpec[];
  /** Labels of properties whose type the form cannot render (arrays, objects, booleans). */
  unsupported: string[];
}

/** The bits of a JSON Schema (2020-12, as zod renders it) this walker reads. */
interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  title?: string;
  description?: string;
  examples?: unknown[];
  default?: unknown;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** The form of an object schema, its properties in the schema's order. */
export function payloadForm(schema: Record<string, unknown>): PayloadForm {
  const object = schema as JsonSchema;
  const required = new Set(object.required ?? []);
  const form: PayloadForm = { fields: [], unsupported: [] };
  for (const [name, property] of Object.entries(object.properties ?? {})) {
    const field = describeProperty(name, property, required.has(name));
    if (field) form.fields.push(field);
    else form.unsupported.push(property.title ?? humanize(name));
  }
  return form;
}

function describeProperty(name: string, property: JsonSchema, required: boolean): FieldSpec | undefined {
  const schema = withoutNull(property);
  const example = property.examples?.[0] ?? schema.examples?.[0];
  const description = property.description ?? schema.description;
  const initial = property.default ?? schema.default;
  const base = {
    name,
    label: property.title ?? schema.title ?? humanize(name),
    required,
    ...(description ? { help: description } : {}),
    ...(isShortScalar(example) ? { placeholder: String(example) } : {}),
    ...(typeof initial === 'string' || typeof initial === 'number' ? { initial: String(initial) } : {}),
  };
  if (schema.enum && schema.enum.every((option) => typeof option === 'string')) {
    return { ...base, kind: 'enum', options: schema.enum as string[] };
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    const min = schema.minimum ?? schema.exclusiveMinimum;
    const max = schema.maximum ?? schema.exclusiveMaximum;
    return {
      ...base,
      kind: 'number',
      integer: schema.type === 'integer',
      ...(isShownBound(min) ? { min } : {}),
      ...(isShownBound(max) ? { max } : {}),
    };
  }
  if (schema.type === 'string') return { ...base, kind: 'text', ...((schema.maxLength ?? 0) > LINE_CHARS ? { multiline: true } : {}) };
  return undefined;
}

/** Longer examples are for "Use the example", not a hint; longer texts get a text area. */
const LINE_CHARS = 200;

function isShortScalar(value: unknown): value is string | number {
  return (typeof value === 'string' && value.length <= LINE_CHARS / 4) || typeof value === 'number';
}

/** A nullable property (`anyOf: [X, {type: null}]`) is rendered as X: an empty control sends nothing. */
function withoutNull(property: JsonSchema): JsonSchema {
  const choices = property.anyOf ?? property.oneOf;
  const notNull = choices?.filter((choice) => choice.type !== 'null');
  return notNull?.length === 1 ? notNull[0]! : property;
}

/** zod writes the safe-integer range on every integer; only a bound someone chose is worth showing. */
function isShownBound(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER;
}

/** `country_code` → "Country code". */
export function humanize(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
