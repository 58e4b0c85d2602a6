import { pino } from 'pino';
import type { Logger } from '../core/ports/index.js';

/** Field names that may carry secrets; pino replaces their values before a line is written. */
const SECRET_FIELDS = [
  'password',
  'authorization',
  'x-api-key',
  'api_key',
  'api_keys',
  'token',
  'cookie',
  'set-cookie',
  'connection_string',
  'REDIS_URL',
  'RABBITMQ_URL',
  'MONGODB_URI',
  'KAFKA_SASL_PASSWORD',
  'GITHUB_TOKEN',
  'API_KEYS',
];

/** pino redact paths: each field at the top level, one level down, and in a `headers` object at either level. */
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`;
  return [key.startsWith('.') ? field : key, `*${key}`, `headers${key}`, `*.headers${key}`];
});

const CREDENTIALS_IN_URL = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;
const BEARER_TOKEN = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;

/**
 * Removes secrets that hide inside free text: the `user:password@` of connection strings
 * (redis://:pw@host, mongodb://user:pw@host, amqp://guest:guest@host) and bearer tokens.
 */
export function scrubSecrets(text: string): string {
  if (!text.includes('://') && !/bearer/i.test(text)) return text;
  return text.replace(CREDENTIALS_IN_URL, '$1[redacted]@').replace(BEARER_TOKEN, '$1 [redacted]');
}

/**
 * Scrubs the strings of a log line's fields and of serialized errors, a few levels deep.
 * Errors are left to the err serializer; objects with their own JSON form (dates, URLs) and
 * binary data are left as they are.
 */
function scrubValues(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error || ArrayBuffer.isView(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValues(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = scrubValues(inner, depth + 1);
  return out;
}

/** Errors are serialized as pino does (message and stack include causes), then scrubbed. */
const scrubbedError = (error: unknown) => scrubValues(pino.stdSerializers.err(error as Error));

/** JSON lines on stdout (or the given stream), one `service` field per process part. */
export function createLogger(options: { service: string; level: string; destination?: NodeJS.WritableStream | { write(line: string): unknown } }): Logger {
  const logger = pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: scrubbedError },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => scrubValues(fields) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          // The message text, and any printf-style arguments after it.
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination({ sync: false }),
  );
  return logger as unknown as Logger;
}
