import { describeJobTypes } from '../../contracts/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/job-types: every job type with its payload and output JSON Schema, example and defaults. */
export const jobTypesGet: RouteDefinition = {
  name: 'job-types-get',
  methods: ['GET'],
  route: 'v1/job-types',
  authLevel: 'function',
  create: (deps) => {
    // Rendered at the first request, then kept: it changes only with a new build.
    let body: ReturnType<typeof describeJobTypes> | undefined;
    return async () => jsonResponse(200, (body ??= describeJobTypes(deps.jobTypeFallbacks)));
  },
};
