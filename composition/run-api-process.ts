import { describeAdapters } from '../config/index.js';
import { startApiHost } from './api-host.js';
import { buildApi } from './build-api.js';
import { buildWorker } from './build-worker.js';
import { createAdapters } from './create-adapters.js';
import { runProcess } from './run-process.js';
import { findWebDistDir } from './web-dist-dir.js';

export interface ApiProcessOptions {
  /** The logger's service name. */
  service: string;
  /** How the start-up log lines name the process. */
  title: string;
  /**
   * 'always' runs a worker beside the API whatever the queue (the one-process runner);
   * 'with-in-process-queue' only when the queue lives in this process (no KAFKA_BROKERS), since
   * no other process could consume it then.
   */
  worker: 'always' | 'with-in-process-queue';
}

/**
 * The life of a process that serves the API on config.PORT over node:http: the web UI too when
 * it is built (unless SERVE_WEB=false), and a worker beside it as `options.worker` says. The
 * first log line says where it serves, what runs, which adapter backs each port and who may
 * call the job routes.
 */
export function runApiProcess(options: ApiProcessOptions): Promise<void> {
  return runProcess(options.service, async ({ config, logger }) => {
    const adapters = createAdapters(config, logger);
    const api = buildApi({ config, adapters, logger });
    const worker = options.worker === 'always' || adapters.inProcessQueue ? buildWorker({ config, adapters, logger }) : undefined;
    const staticDir = config.SERVE_WEB === false ? undefined : findWebDistDir();

    const adapterNames = describeAdapters(config);
    const adapterList = Object.entries(adapterNames).map(([port, adapter]) => `${port}=${adapter}`).join(', ');
    const workerPart = options.worker === 'always' ? 'worker' : 'an in-process worker (no KAFKA_BROKERS)';
    const runs = ['API', ...(worker ? [workerPart] : []), ...(staticDir ? ['web UI'] : [])];
    const what = runs.length > 1 ? `${runs.slice(0, -1).join(', ')} and ${runs.at(-1)}` : 'API';
    logger.info(
      { url: `http://localhost:${config.PORT}`, adapters: adapterNames, auth: api.auth.describe() },
      `${options.title} starting on http://localhost:${config.PORT}: ${what}; ${adapterList}; auth=${api.auth.describe()}`,
    );
    await adapters.init();
    const host = await startApiHost({ config, logger, adapters, api, ...(worker ? { worker } : {}), ...(staticDir ? { staticDir } : {}) });
    const web = staticDir ? 'served at /' : config.SERVE_WEB === false ? 'off (SERVE_WEB=false)' : 'not built (npm run build:web)';
    logger.info(
      { url: `http://localhost:${host.port}`, ...(worker ? { worker_metrics_port: worker.healthPort } : {}), web },
      `${options.title} ready on http://localhost:${host.port}`,
    );
    return host;
  });
}
