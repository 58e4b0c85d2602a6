import { loadConfig, type Config } from '../../config/index.js';
import { buildApi, type BuiltApi } from '../../composition/build-api.js';
import { buildWorker } from '../../composition/build-worker.js';
import { createAdapters, type PortAdapters } from '../../composition/create-adapters.js';
import type { JobHandlerRegistry, Logger } from '../../core/ports/index.js';
import { startApiHost } from '../../composition/api-host.js';
import type { Worker } from '../../worker/worker.js';
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
 * API + worker in this process, wired exactly as the hosts wire them (composition/ and the
 * fallback host), with the API on an ephemeral port. `env` overrides configuration.
 */
export async function startEmbeddedApp(
  env: Record<string, string> = {},
  options: { staticDir?: string; logger?: Logger; wrapHandlers?: (handlers: JobHandlerRegistry) => JobHandlerRegistry } = {},
): Promise<EmbeddedApp> {
  // Suites call one host from one address far faster, and with more wrong keys, than any client
  // should: the limits are off unless a test sets them (test/api/rate-limits.test.ts).
  const config = loadConfig({
    PORT: '0',
    SIMULATED_PROVIDER_DELAY_MS: '20',
    LOG_LEVEL: 'silent',
    API_RATE_LIMIT_PER_MINUTE: '0',
    API_AUTH_FAILURES_PER_MINUTE: '0',
    ...env,
  });
  const logger = options.logger ?? testLogger();
  const adapters = createAdapters(config, logger);
  try {
    await adapters.init();
  } catch (error) {
    await adapters.close();
    throw error;
  }
  const api = buildApi({ config, adapters, logger });
  const worker = buildWorker({ config, adapters, logger, healthPort: 0, ...(options.wrapHandlers ? { wrapHandlers: options.wrapHandlers } : {}) });
  const host = await startApiHost({
    config,
    logger,
    adapters,
    api,
    worker,
    host: '127.0.0.1',
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
  return { baseUrl: `http://127.0.0.1:${host.port}`, config, adapters, api, worker, close: () => host.close() };
}
