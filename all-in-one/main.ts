// One process: API + worker + web UI, on whatever adapters the environment selects
// (in-memory for all of them by default). `npm start` runs this.
import { describeAdapters } from '../config/index.js';
import { buildApi } from '../composition/build-api.js';
import { buildWorker } from '../composition/build-worker.js';
import { createAdapters } from '../composition/create-adapters.js';
import { runProcess } from '../composition/run-process.js';
import { findWebDistDir } from '../composition/web-dist-dir.js';
import { startApiHost } from '../composition/api-host.js';

await runProcess('dtq', async ({ config, logger }) => {
  const adapters = createAdapters(config, logger);
  const api = buildApi({ config, adapters, logger });
  const worker = buildWorker({ config, adapters, logger });
  const staticDir = findWebDistDir();

  const adapterList = Object.entries(describeAdapters(config)).map(([port, adapter]) => `${port}=${adapter}`).join(', ');
  logger.info(
    { url: `http://localhost:${config.PORT}`, adapters: describeAdapters(config), auth: api.auth.describe() },
    `dtq starting on http://localhost:${config.PORT}: API, worker and web UI in one process; ${adapterList}; auth=${api.auth.describe()}`,
  );
  await adapters.init();
  const host = await startApiHost({ config, logger, adapters, api, worker, ...(staticDir ? { staticDir } : {}) });
  logger.info(
    { url: `http://localhost:${host.port}`, worker_metrics_port: worker.healthPort, web: staticDir ? 'served at /' : 'not built (npm run build:web)' },
    `dtq ready on http://localhost:${host.port}`,
  );
  return host;
});
