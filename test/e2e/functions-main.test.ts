import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../api/route-table.js';
import { REPO_ROOT, startNode } from '../support/processes.js';

describe('package.json main: the Azure Functions entry point', () => {
  it('resolves to built files that register every route of the table with app.http', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string };
    const main = join(REPO_ROOT, pkg.main);
    expect(existsSync(main), `${pkg.main} must exist after npm run build`).toBe(true);
    // Outside the Functions host the library runs in test mode and reports each registration it skips.
    const child = startNode(main, { LOG_LEVEL: 'silent' });
    const { code } = await child.exited;
    expect(code).toBe(0);
    const registered = [...child.stderr.join('\n').matchAll(/register function "([^"]+)"/g)].map((m) => m[1]);
    expect(registered.sort()).toEqual(ROUTES.map((r) => r.name).sort());
    // ...and the shutdown hook that drains the in-process worker and closes the clients.
    expect(child.stderr.join('\n')).toMatch(/register appTerminate hook/);
  });

  it('host.json leaves the route prefix empty, so routes are exactly the table', async () => {
    const host = JSON.parse(await readFile(join(REPO_ROOT, 'host.json'), 'utf8'));
    expect(host.extensions.http.routePrefix).toBe('');
    expect(ROUTES.map((r) => `${r.methods.join(',')} /${r.route}`).sort()).toEqual(
      [
        'GET,HEAD /healthz',
        'GET /metrics',
        'GET,HEAD /readyz',
        'GET /v1/jobs',
        'GET /v1/jobs/{job_id}/result',
        'GET /v1/jobs/{job_id}/status',
        'POST /v1/jobs',
        'POST /v1/jobs/{job_id}/cancel',
        'POST /v1/jobs/{job_id}/retry',
        'GET /v1/stats',
        'GET /v1/job-types',
        'GET /v1/dead-letters',
        'POST /v1/dead-letters/{id}/replay',
        'POST /v1/schedules',
        'GET /v1/schedules',
        'GET /v1/schedules/{schedule_id}',
        'DELETE /v1/schedules/{schedule_id}',
        'POST /v1/schedules/{schedule_id}/pause',
        'POST /v1/schedules/{schedule_id}/resume',
        'GET /v1/jobs/{job_id}/events',
        'GET /v1/events',
        'POST /v1/jobs/batch',
        'POST /v1/bulk/cancel',
        'POST /v1/bulk/retry',
        'POST /v1/bulk/replay',
        'GET /v1/bulk/{operation_id}',
        'POST /v1/bulk/{operation_id}/resume',
        'GET /v1/fleet',
        'POST /v1/dead-letters/{id}/purge',
      ].sort(),
    );
  });
});
