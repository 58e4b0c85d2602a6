import { ConfigError, loadConfig, type Config } from '../config/index.js';
import type { Logger } from '../core/ports/index.js';
import { createLogger, startTraceExport } from '../telemetry/index.js';

export interface RunningProcess {
  /** Stops everything in order; must not reject. */
  close(): Promise<void>;
}

/**
 * One step of a graceful shutdown, logged with how long it took and what it reports. A step
 * that fails is logged and the shutdown goes on with the next one.
 */
export async function shutdownPhase(logger: Logger, phase: string, step: () => Promise<object | void>): Promise<void> {
  const started = Date.now();
  try {
    const report = await step();
    logger.info({ phase, duration_ms: Date.now() - started, ...(report ?? {}) }, `shutdown: ${phase} done`);
  } catch (error) {
    logger.error({ phase, duration_ms: Date.now() - started, err: error }, `shutdown: ${phase} failed`);
  }
}

/**
 * The life of one dtq process: validated config (a bad value exits 1 naming the variable),
 * a logger, start-up, and a graceful stop on SIGTERM/SIGINT. A second signal exits at once.
 */
export async function runProcess(
  service: string,
  start: (context: { config: Config; logger: Logger }) => Promise<RunningProcess>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dtq ${service}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  // A rejection nobody handled leaves the process in a state no code expects: log it, then exit
  // so the orchestrator starts a clean one, rather than run on half-broken.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection; exiting so the process is restarted');
    process.stderr.write(`dtq ${service}: unhandled promise rejection: ${(reason as Error)?.message ?? String(reason)}\n`);
    setImmediate(() => process.exit(1));
  });

  // Signals are handled from the first moment: a SIGTERM during start-up stops the process
  // gracefully as soon as it has started, instead of killing it half-started.
  // Spans go out only once an SDK is registered (when the environment names a destination).
  const traceExport = startTraceExport({ service, logger });
  const startup = traceExport.then(() => start({ config, logger }));
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting immediately');
      process.exit(1);
    }
    stopping = true;
    const started = Date.now();
    logger.info({ signal }, 'shutting down');
    void startup
      .then((running) => running.close())
      .catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'))
      // Last, so the spans of the shutdown itself are sent too.
      .then(() => shutdownPhase(logger, 'flush traces', () => traceExport.then((traces) => traces.shutdown())))
      .finally(() => {
        logger.info({ duration_ms: Date.now() - started }, 'shutdown complete');
        setImmediate(() => process.exit(0));
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  try {
    await startup;
  } catch (error) {
    logger.error({ err: error }, 'start-up failed');
    process.stderr.write(`dtq ${service}: start-up failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
