import type { z } from 'zod';
import { JobPayloadSchemas, type JobType } from '../../../contracts/job-types.js';

/** One form control, read off a payload schema in contracts/job-types.ts. */
export interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'enum';
  required: boolean;
  options?: readonly string[];
  integer?: boolean;
  min?: number;
  max?: number;
}

/** Loose view of a zod 4 schema: the bits of `def` and the getters this walker reads. */
interface SchemaView {
  def: { type: string; innerType?: SchemaView; shape?: Record<string, SchemaView> };
  options?: readonly string[];
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
}

const fieldCache = new Map<JobType, FieldSpec[]>();

/** The form fields of a job type, in the order the schema declares them. */
export function payloadFields(jobType: JobType): FieldSpec[] {
  let fields = fieldCache.get(jobType);
  if (!fields) {
    fields = describeObject(JobPayloadSchemas[jobType]);
    fieldCache.set(jobType, fields);
  }
  return fields;
}

/** Walks an object schema: optional wrappers mark optional fields; enums, numbers and strings map to controls. */
export function describeObject(schema: z.ZodType): FieldSpec[] {
  const shape = (schema as unknown as SchemaView).def.shape;
  if (!shape) throw new Error(`a payload schema must be an object, not ${(schema as unknown as SchemaView).def.type}`);
  return Object.entries(shape).map(([name, field]) => {
    const required = field.def.type !== 'optional';
    const inner = unwrap(field);
    const base = { name, label: humanize(name), required };
    switch (inner.def.type) {
      case 'enum':
        return { ...base, kind: 'enum', options: inner.options ?? [] };
      case 'number':
        return {
          ...base,
          kind: 'number',
          integer: inner.isInt === true,
          ...(isFiniteNumber(inner.minValue) ? { min: inner.minValue } : {}),
          ...(isFiniteNumber(inner.maxValue) ? { max: inner.maxValue } : {}),
        };
      case 'string':
        return { ...base, kind: 'text' };
      default:
        throw new Error(`payload field "${name}" has type ${inner.def.type}, which the form cannot render`);
    }
  });
}

function unwrap(schema: SchemaView): SchemaView {
  let current = schema;
  while ((current.def.type === 'optional' || current.def.type === 'default' || current.def.type === 'nullable') && current.def.innerType) {
    current = current.def.innerType;
  }
  return current;
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER;
}

/** `country_code` → "Country code". */
export function humanize(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
