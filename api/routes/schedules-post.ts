import { createSchedule } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { readJsonBody } from '../http/read-json-body.js';
import { jsonResponse } from '../http/responses.js';

/** POST /v1/schedules: a schedule whose every tick submits the job; 201 with its next run. */
export const schedulesPost: RouteDefinition = {
  name: 'schedules-post',
  methods: ['POST'],
  route: 'v1/schedules',
  authLevel: 'function',
  create: (deps) => async (request) => {
    const schedule = await createSchedule(deps.schedules, await readJsonBody(request));
    return jsonResponse(201, schedule, { location: `/v1/schedules/${schedule.schedule_id}` });
  },
};
