import type { HealthCheck, Logger } from '../../core/ports/index.js';
import { withinDeadline } from '../../core/time/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

const CHECK_TIMEOUT_MS = 1_000;

class CheckTimedOut extends Error {
  constructor() {
    super(`no answer within ${CHECK_TIMEOUT_MS} ms`);
  }
}

/** GET /readyz: 200 only while accepting traffic and every dependency answers. */
export const readyzGet: RouteDefinition = {
  name: 'readyz-get',
  methods: ['GET', 'HEAD'],
  route: 'readyz',
  authLevel: 'anonymous',
  create: (deps) => async () => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {
      accepting: deps.accepting() ? { ok: true } : { ok: false, detail: 'shutting down' },
    };
    await Promise.all(deps.readiness.map(async (check) => (checks[check.name] = await runCheck(check, deps.logger))));
    const ok = Object.values(checks).every((c) => c.ok);
    return jsonResponse(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks });
  },
};

/**
 * One dependency's answer. The probe is anonymous, so a failure says only "unavailable" or that
 * it timed out; the error itself, which names hosts and ports, goes to the log.
 */
async function runCheck(check: HealthCheck, logger: Logger): Promise<{ ok: boolean; detail?: string }> {
  try {
    await withinDeadline(Promise.resolve().then(() => check.check()), CHECK_TIMEOUT_MS, () => new CheckTimedOut());
    return { ok: true };
  } catch (error) {
    if (error instanceof CheckTimedOut) return { ok: false, detail: error.message };
    logger.warn({ err: error, dependency: check.name }, 'readiness check failed');
    return { ok: false, detail: 'unavailable' };
  }
}
