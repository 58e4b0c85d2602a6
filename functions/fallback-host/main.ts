// The containerized API host (`npm run start:api`): the Functions handlers on plain Node HTTP.
// With no KAFKA_BROKERS the queue lives in this process, so the worker runs here too.
import type { AddressInfo } from 'node:net';
import { describeAdapters } from '../../config/index.js';
import { buildApi } from '../../composition/build-api.js';
import { buildWorker } from '../../composition/build-worker.js';
import { createAdapters } from '../../composition/create-adapters.js';
import { runProcess } from '../../composition/run-process.js';
import { findWebDistDir } from '../../composition/web-dist-dir.js';
import { ROUTES } from '../route-table.js';
import { createApiServer } from './api-server.js';

await runProcess('dtq-api', async ({ config, logger }) => {
  const adapters = createAdapters(config, logger);
  logger.info(
    { adapters: describeAdapters(config), port: config.PORT },
    `dtq API starting on port ${config.PORT}${adapters.inProcessQueue ? ' with an in-process worker (no KAFKA_BROKERS)' : ''}`,
  );
  await adapters.init();
  const api = buildApi({ config, adapters, logger });
  const worker = adapters.inProcessQueue ? buildWorker({ config, adapters, logger }) : undefined;
  const staticDir = config.SERVE_WEB === false ? undefined : findWebDistDir();
  const server = createApiServer({ routes: ROUTES, deps: api.deps, logger, ...(staticDir ? { staticDir } : {}) });
  await worker?.start();
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  logger.info({ url: `http://localhost:${(server.address() as AddressInfo).port}` }, 'dtq API ready');
  return {
    async close() {
      api.stopAccepting();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await worker?.close();
      await api.close();
      await adapters.close();
    },
  };
});
