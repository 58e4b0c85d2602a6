import { describe, expect, it } from 'vitest';
import { JOB_TYPES, SubmitJobRequestSchema, renderOpenApi } from '../../contracts/index.js';

/**
 * The OpenAPI document writes the submit body once per job type (each variant points at its
 * payload's schema), beside the zod schema the API parses it with: every field the API takes must
 * be in every variant, or a client built from the document can never send it.
 */
describe('POST /v1/jobs in the OpenAPI document', () => {
  const submit = JSON.parse(renderOpenApi()).paths['/v1/jobs'].post.requestBody.content['application/json'].schema as {
    oneOf: Array<{ title: string; properties: Record<string, Record<string, unknown>>; required: string[] }>;
  };

  it('declares, for every job type, exactly the fields the API takes', () => {
    expect(submit.oneOf.map((variant) => variant.title)).toEqual([...JOB_TYPES]);
    for (const variant of submit.oneOf) {
      expect(Object.keys(variant.properties).sort(), variant.title).toEqual(Object.keys(SubmitJobRequestSchema.shape).sort());
    }
  });

  it('bounds timeout_ms as the API does', () => {
    for (const variant of submit.oneOf) {
      expect(variant.properties.timeout_ms, variant.title).toMatchObject({ type: 'integer', minimum: 1000, maximum: 86_400_000 });
      expect(variant.required).not.toContain('timeout_ms');
    }
  });
});
