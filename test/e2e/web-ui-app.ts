import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { buildApi } from '../../composition/build-api.js';
import { buildWorker } from '../../composition/build-worker.js';
import { createAdapters } from '../../composition/create-adapters.js';
import { findWebDistDir } from '../../composition/web-dist-dir.js';
import { loadConfig } from '../../config/index.js';
import { createApiServer } from '../../functions/fallback-host/api-server.js';
import { ROUTES } from '../../functions/route-table.js';
import { testLogger } from '../support/test-logger.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface RunningApp {
  baseUrl: string;
  close(): Promise<void>;
}

/** Fails with what to do when the browser or the built web app is missing, instead of skipping. */
export function requireBrowserAndBuild(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: the web UI test drives Debian's Chromium; run \`apt-get install chromium\``);
  }
  const staticDir = findWebDistDir();
  if (!staticDir) throw new Error('web/dist/index.html is missing: run `npm run build:web` (npm test builds it first)');
  return staticDir;
}

/** The whole product in this process, as `npm start` runs it: API + worker + web UI on the in-memory adapters. */
export async function startApp(options: { staticDir: string; providerDelayMs: number }): Promise<RunningApp> {
  const config = loadConfig({ SIMULATED_PROVIDER_DELAY_MS: String(options.providerDelayMs), LOG_LEVEL: 'silent' });
  const logger = testLogger();
  const adapters = createAdapters(config, logger);
  const api = buildApi({ config, adapters, logger });
  const worker = buildWorker({ config, adapters, logger, healthPort: 0 });
  await worker.start();
  const server = createApiServer({ routes: ROUTES, deps: api.deps, logger, staticDir: options.staticDir });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      api.stopAccepting();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await worker.close();
      await api.close();
      await adapters.close();
    },
  };
}
