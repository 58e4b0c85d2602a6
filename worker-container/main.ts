// The worker container (`npm run start:worker`): consumes jobs, answers progress requests,
// serves /healthz, /readyz and /metrics on WORKER_METRICS_PORT.
import { describeAdapters } from '../config/index.js';
import { buildWorker } from '../composition/build-worker.js';
import { createAdapters } from '../composition/create-adapters.js';
import { runProcess, shutdownPhase } from '../composition/run-process.js';

await runProcess('dtq-worker', async ({ config, logger }) => {
  const adapters = createAdapters(config, logger);
  logger.info(
    { adapters: describeAdapters(config), health_port: config.WORKER_METRICS_PORT },
    `dtq worker starting${adapters.inProcessQueue ? '; no KAFKA_BROKERS, so it sees only jobs published in this process' : ''}`,
  );
  await adapters.init();
  const worker = buildWorker({ config, adapters, logger });
  await worker.start();
  return {
    async close() {
      await shutdownPhase(logger, 'stop worker', () => worker.close());
      await shutdownPhase(logger, 'close clients', () => adapters.close());
    },
  };
});
