import { readApiKeys, type Config } from '../config/index.js';
import type { Logger } from '../core/ports/index.js';
import { createApiMetrics } from '../telemetry/index.js';
import type { PortAdapters } from './create-adapters.js';
import { countConnectionEvents } from './progress-rpc-events.js';
import type { ApiDeps } from '../api/api-deps.js';
import { RequestAuth } from '../api/http/request-auth.js';
import { RequestLimits } from '../api/http/request-limits.js';
import { createApiDeps } from './create-api-deps.js';

export interface BuiltApi {
  deps: ApiDeps;
  /** Who may call the job routes: API keys (API_KEYS, API_KEYS_FILE) and, with APP_SERVICE_AUTH, the signed-in caller. */
  auth: RequestAuth;
  /** Requests per caller and refused credentials per address on the job routes, the same under every host. */
  limits: RequestLimits;
  /** Marks the API as draining: /readyz answers 503 from now on. */
  stopAccepting(): void;
  close(): Promise<void>;
}

/** The API's dependencies over the given adapters. */
export function buildApi(options: { config: Config; adapters: PortAdapters; logger: Logger }): BuiltApi {
  let accepting = true;
  const metrics = createApiMetrics();
  const progress = options.adapters.createProgressClient({
    ...countConnectionEvents(metrics.progressRpcConnection),
    onReplyDropped: (reason) => metrics.progressRepliesDropped.inc({ reason }),
  });
  const deps = createApiDeps({
    config: options.config,
    adapters: options.adapters,
    progress,
    metrics,
    logger: options.logger.child({ component: 'api' }),
    accepting: () => accepting,
  });
  return {
    deps,
    auth: new RequestAuth({ keys: readApiKeys(options.config), trustAppServicePrincipal: options.config.APP_SERVICE_AUTH }),
    limits: new RequestLimits({
      requestsPerMinute: options.config.API_RATE_LIMIT_PER_MINUTE,
      authFailuresPerMinute: options.config.API_AUTH_FAILURES_PER_MINUTE,
    }),
    stopAccepting: () => {
      accepting = false;
      // Open event streams end now (cleanly: their clients reconnect elsewhere), so the HTTP drain is not held by them.
      deps.eventStreams.closeAll();
    },
    close: async () => {
      await deps.eventStreams.close();
      // Operations in flight stop after the jobs in hand and say they were interrupted.
      await deps.bulk.close();
      await progress.close();
    },
  };
}
