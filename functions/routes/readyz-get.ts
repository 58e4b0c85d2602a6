import type { HealthCheck } from '../../core/ports/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

const CHECK_TIMEOUT_MS = 1_000;

/** GET /readyz: 200 only while accepting traffic and every dependency answers. */
export const readyzGet: RouteDefinition = {
  name: 'readyz-get',
  methods: ['GET'],
  route: 'readyz',
  authLevel: 'anonymous',
  create: (deps) => async () => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {
      accepting: deps.accepting() ? { ok: true } : { ok: false, detail: 'shutting down' },
    };
    await Promise.all(deps.readiness.map(async (check) => (checks[check.name] = await runCheck(check))));
    const ok = Object.values(checks).every((c) => c.ok);
    return jsonResponse(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks });
  },
};

async function runCheck(check: HealthCheck): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
