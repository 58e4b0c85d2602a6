import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../config/index.js';
import { buildApi, type BuiltApi } from '../../composition/build-api.js';
import { buildWorker } from '../../composition/build-worker.js';
import { createAdapters, type PortAdapters } from '../../composition/create-adapters.js';
import { createApiServer } from '../../functions/fallback-host/api-server.js';
import { ROUTES } from '../../functions/route-table.js';
import type { Worker } from '../../worker-container/worker.js';
import { testLogger } from './test-logger.js';

export interface EmbeddedApp {
  baseUrl: string;
  config: Config;
  adapters: PortAdapters;
  api: BuiltApi;
  worker: Worker;
  close(): Promise<void>;
}

/**
 * API + worker in this process, wired exactly as the hosts wire them (composition/), with the
 * API served by the fallback host on an ephemeral port. `env` overrides configuration.
 */
export async function startEmbeddedApp(env: Record<string, string> = {}, options: { staticDir?: string } = {}): Promise<EmbeddedApp> {
  const config = loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '20', LOG_LEVEL: 'silent', ...env });
  const logger = testLogger();
  const adapters = createAdapters(config, logger);
  try {
    await adapters.init();
  } catch (error) {
    await adapters.close();
    throw error;
  }
  const api = buildApi({ config, adapters, logger });
  const worker = buildWorker({ config, adapters, logger, healthPort: 0 });
  const server = createApiServer({ routes: ROUTES, deps: api.deps, logger, ...(options.staticDir ? { staticDir: options.staticDir } : {}) });
  await worker.start();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    adapters,
    api,
    worker,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.close();
      await api.close();
      await adapters.close();
    },
  };
}
