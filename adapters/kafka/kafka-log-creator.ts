import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../../core/ports/index.js';

/**
 * Routes kafkajs' own log lines into our structured logger (never the console), one level for
 * one level, with kafkajs' namespace (Consumer, Producer, Connection, ...) as a field. One
 * exception: the Connection namespace logs every error response (a rebalance answers each
 * member's heartbeat with one) at error level although its callers retry or rejoin; those are
 * warnings, and whoever finally gives up (a crash, a failed publish) logs the error.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
      const fields = { kafkajs_namespace: namespace, ...extra };
      switch (level) {
        case logLevel.ERROR:
          return namespace === 'Connection' ? kafkaLogger.warn(fields, message) : kafkaLogger.error(fields, message);
        case logLevel.WARN:
          return kafkaLogger.warn(fields, message);
        case logLevel.INFO:
          return kafkaLogger.info(fields, message);
        default:
          return kafkaLogger.debug(fields, message);
      }
    };
}
