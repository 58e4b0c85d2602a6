// The containerized API host (`npm run start:api`): the API's handlers on plain Node HTTP.
// With no KAFKA_BROKERS the queue lives in this process, so the worker runs here too.
import { describeAdapters } from '../../config/index.js';
import { buildApi } from '../../composition/build-api.js';
import { buildWorker } from '../../composition/build-worker.js';
import { createAdapters } from '../../composition/create-adapters.js';
import { runProcess } from '../../composition/run-process.js';
import { findWebDistDir } from '../../composition/web-dist-dir.js';
import { startApiHost } from '../../composition/api-host.js';

await runProcess('dtq-api', async ({ config, logger }) => {
  const adapters = createAdapters(config, logger);
  const api = buildApi({ config, adapters, logger });
  logger.info(
    { adapters: describeAdapters(config), port: config.PORT, auth: api.auth.describe() },
    `dtq API starting on port ${config.PORT}${adapters.inProcessQueue ? ' with an in-process worker (no KAFKA_BROKERS)' : ''}; auth=${api.auth.describe()}`,
  );
  await adapters.init();
  const worker = adapters.inProcessQueue ? buildWorker({ config, adapters, logger }) : undefined;
  const staticDir = config.SERVE_WEB === false ? undefined : findWebDistDir();
  const host = await startApiHost({ config, logger, adapters, api, ...(worker ? { worker } : {}), ...(staticDir ? { staticDir } : {}) });
  logger.info({ url: `http://localhost:${host.port}` }, 'dtq API ready');
  return host;
});
