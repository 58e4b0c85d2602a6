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

const SECRET_FIELD_NAMES = new Set(SECRET_FIELDS);
const CENSOR = '[redacted]';

/**
 * Where secret fields are replaced, as pino redact paths: each field at the top level, one level
 * down, and in a `headers` object at either level. `cleanFields` applies exactly these; the
 * paths themselves serve the test that holds it to pino's own redaction.
 */
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
 * One pass over a log line's fields (or a child logger's bindings, or a serialized error):
 * secret fields are replaced where REDACTED_PATHS names them, and strings are scrubbed of
 * credentials a few levels deep. pino's own redact does the first part with wildcard paths,
 * which it runs on every value of every line and every child's bindings: that made a log line
 * cost seven times what it costs without, on the path of every request and job.
 * Errors are left to the err serializer; objects with their own JSON form (dates, URLs) and
 * binary data are left as they are. `level` is the path depth of this object (0 = top level);
 * array items are on no path.
 */
function cleanFields(value: unknown, depth = 0, level = 0, parentKey = ''): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error || ArrayBuffer.isView(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) return value.map((item) => cleanFields(item, depth + 1, Infinity));
  const censorHere = level <= 1 || (level === 2 && parentKey === 'headers');
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    // pino leaves a top-level field that is undefined out of the line; so does this.
    if (censorHere && SECRET_FIELD_NAMES.has(key) && !(level === 0 && inner === undefined)) out[key] = CENSOR;
    else out[key] = cleanFields(inner, depth + 1, level + 1, key);
  }
  return out;
}

/** Errors are serialized as pino does (message and stack include causes), then cleaned as the `err` field. */
const scrubbedError = (error: unknown) => cleanFields(pino.stdSerializers.err(error as Error), 0, 1, 'err');

/** JSON lines on stdout (or the given stream), one `service` field per process part. */
export function createLogger(options: { service: string; level: string; destination?: NodeJS.WritableStream | { write(line: string): unknown } }): Logger {
  const logger = pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: scrubbedError },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => cleanFields(fields) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          // The message text, and any printf-style arguments after it.
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    // Synchronous: under Node 22 an asynchronous destination lost lines written just before
    // process.exit (test/telemetry/log-flush.test.ts: lines 2 to 153 of 2,000 missing), and a
    // log line lost on the way down is the one an operator needs.
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination({ sync: true }),
  );
  // pino applies no formatter to a child's bindings, so they are cleaned on the way in; children
  // inherit this method from the root, so grandchildren are cleaned too.
  const pinoChild = logger.child as (this: unknown, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) => unknown;
  logger.child = function child(this: unknown, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) {
    return pinoChild.call(this, cleanFields(bindings) as pino.Bindings, childOptions);
  } as typeof logger.child;
  return logger as unknown as Logger;
}
