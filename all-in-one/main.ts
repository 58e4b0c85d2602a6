// One process: API + worker + web UI, on whatever adapters the environment selects
// (in-memory for all of them by default). `npm start` runs this.
import type { AddressInfo } from 'node:net';
import { describeAdapters } from '../config/index.js';
import { buildApi } from '../composition/build-api.js';
import { buildWorker } from '../composition/build-worker.js';
import { createAdapters } from '../composition/create-adapters.js';
import { runProcess } from '../composition/run-process.js';
import { findWebDistDir } from '../composition/web-dist-dir.js';
import { createApiServer } from '../functions/fallback-host/api-server.js';
import { ROUTES } from '../functions/route-table.js';

await runProcess('dtq', async ({ config, logger }) => {
  const adapters = createAdapters(config, logger);
  const api = buildApi({ config, adapters, logger });
  const worker = buildWorker({ config, adapters, logger });
  const staticDir = findWebDistDir();
  const server = createApiServer({ routes: ROUTES, deps: api.deps, logger, ...(staticDir ? { staticDir } : {}) });

  const adapterList = Object.entries(describeAdapters(config)).map(([port, adapter]) => `${port}=${adapter}`).join(', ');
  logger.info(
    { url: `http://localhost:${config.PORT}`, adapters: describeAdapters(config) },
    `dtq starting on http://localhost:${config.PORT}: API, worker and web UI in one process; ${adapterList}`,
  );
  await adapters.init();
  await worker.start();
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  const port = (server.address() as AddressInfo).port;
  logger.info(
    { url: `http://localhost:${port}`, worker_metrics_port: worker.healthPort, web: staticDir ? 'served at /' : 'not built (npm run build:web)' },
    `dtq ready on http://localhost:${port}`,
  );

  return {
    async close() {
      api.stopAccepting();
      server.close();
      server.closeIdleConnections();
      await worker.close();
      await api.close();
      await adapters.close();
    },
  };
});
