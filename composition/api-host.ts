import { listenOn } from '../worker/listen-on.js';
import type { BuiltApi } from './build-api.js';
import type { PortAdapters } from './create-adapters.js';
import { shutdownPhase } from './run-process.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../core/ports/index.js';
import { ROUTES } from '../api/route-table.js';
import { createApiServer } from './node-http/api-server.js';
import { HttpDrain } from './node-http/http-drain.js';

/** The parts of a worker the host starts and stops beside the API. */
export interface InProcessWorker {
  start(): Promise<void>;
  beginShutdown(): void;
  close(): Promise<void>;
}

export interface ApiHost {
  port: number;
  /** The graceful stop; never rejects. */
  close(): Promise<void>;
}

/**
 * Serves the API (and the web UI, when built) on config.PORT, with an in-process worker when
 * one is given. `close` stops in phases, each logged and timed: out of rotation (API and
 * worker /readyz answer 503), HTTP drained within SHUTDOWN_TIMEOUT_MS (the listener closes at
 * once, requests in flight get their answers), the worker drained within its own
 * SHUTDOWN_TIMEOUT_MS (after the HTTP drain, so a pending status request can still be
 * answered), then clients closed.
 */
export async function startApiHost(options: {
  config: Config;
  logger: Logger;
  adapters: PortAdapters;
  api: BuiltApi;
  worker?: InProcessWorker;
  staticDir?: string;
  /** Interface to listen on; all of them by default. */
  host?: string;
}): Promise<ApiHost> {
  const { config, logger, adapters, api, worker } = options;
  const server = createApiServer({
    routes: ROUTES,
    deps: api.deps,
    auth: api.auth,
    limits: api.limits,
    logger,
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
  const drain = new HttpDrain(server);
  await worker?.start();
  const port = await listenOn(server, { port: config.PORT, variable: 'PORT', ...(options.host ? { host: options.host } : {}) });
  return {
    port,
    async close() {
      await shutdownPhase(logger, 'stop accepting', async () => {
        api.stopAccepting();
        worker?.beginShutdown();
        return { in_flight_requests: drain.inFlight() };
      });
      await shutdownPhase(logger, 'drain http', () => drain.close(config.SHUTDOWN_TIMEOUT_MS));
      if (worker) await shutdownPhase(logger, 'stop worker', () => worker.close());
      await shutdownPhase(logger, 'close clients', async () => {
        await api.close();
        await adapters.close();
      });
    },
  };
}
