import { pino } from 'pino';
import type { Logger } from '../core/ports/index.js';

/** Fields that may carry secrets; pino replaces their values before a line is written. */
export const REDACTED_PATHS = [
  'password',
  'authorization',
  'api_key',
  'api_keys',
  'token',
  'connection_string',
  'REDIS_URL',
  'RABBITMQ_URL',
  'MONGODB_URI',
  'KAFKA_SASL_PASSWORD',
  'GITHUB_TOKEN',
  'API_KEYS',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
].flatMap((path) => [path, `*.${path}`]);

/** JSON lines on stdout (or the given stream), one `service` field per process part. */
export function createLogger(options: { service: string; level: string; destination?: NodeJS.WritableStream }): Logger {
  const logger = pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
  return logger as unknown as Logger;
}
