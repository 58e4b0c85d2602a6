// The Azure Functions entry point (package.json "main" points at its build output).
// Registers every route of the table with app.http; with no KAFKA_BROKERS the queue lives in
// this process, so a worker runs beside the handlers. When the host stops the app
// (appTerminate), the worker drains and every client is closed, as the other hosts do.
import azureFunctions from '@azure/functions';
import { describeAdapters, loadConfig } from '../config/index.js';
import { buildApi } from '../composition/build-api.js';
import { buildWorker } from '../composition/build-worker.js';
import { createAdapters } from '../composition/create-adapters.js';
import { shutdownPhase } from '../composition/run-process.js';
import { createLogger, startTraceExport } from '../telemetry/index.js';
import { functionRegistrations } from './functions-registration.js';
import { ROUTES } from '../api/route-table.js';

const { app } = azureFunctions;
// The event routes stream their answers (Server-Sent Events): HTTP streams must be on before any registration.
app.setup({ enableHttpStream: true });
const config = loadConfig();
const logger = createLogger({ service: 'dtq-functions', level: config.LOG_LEVEL });
// Before the routes exist, so their first spans are recorded (Bicep sets APPLICATIONINSIGHTS_CONNECTION_STRING).
const traceExport = await startTraceExport({ service: 'dtq-functions', logger });
const adapters = createAdapters(config, logger);
logger.info({ adapters: describeAdapters(config) }, 'dtq Functions app loading');
// Routes must register while this module loads, so start-up preparation runs beside them rather
// than before: a store that is down now answers 503 and prepares itself on first use instead.
const initialised = adapters
  .init()
  .catch((error: unknown) => logger.error({ err: error }, 'adapter start-up failed; affected requests answer 503 until it succeeds'));
const api = buildApi({ config, adapters, logger });
// Without App Service Authentication the Functions host checks its function keys on the job routes.
logger.info({ auth: api.auth.trustsPrincipal ? api.auth.describe() : 'function keys' }, 'dtq Functions app auth');

for (const { name, options } of functionRegistrations(ROUTES, api)) app.http(name, options);

const worker = adapters.inProcessQueue ? buildWorker({ config, adapters, logger, healthPort: null }) : undefined;
const workerStarted = worker
  ? initialised.then(() => worker.start()).catch((error: unknown) => logger.error({ err: error }, 'in-process worker failed to start'))
  : Promise.resolve();

app.hook.appTerminate(async () => {
  logger.info({}, 'dtq Functions app terminating');
  await shutdownPhase(logger, 'stop accepting', async () => {
    api.stopAccepting();
    worker?.beginShutdown();
  });
  if (worker) await shutdownPhase(logger, 'stop worker', () => workerStarted.then(() => worker.close()));
  await shutdownPhase(logger, 'close clients', async () => {
    await api.close();
    await adapters.close();
  });
  await shutdownPhase(logger, 'flush traces', () => traceExport.shutdown());
});
