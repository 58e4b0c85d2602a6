import { PARSE_OPTIONS, toFieldIssues } from '../contracts/field-issues.js';
import { ConfigSchema, RENAMED_VARIABLES, type Config } from './config-schema.js';

/** Thrown when the environment holds a value dtq cannot use; the message names each variable. */
export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const isSet = (key: string) => env[key] !== undefined && env[key] !== '';
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    if (isSet(key)) relevant[key] = env[key]!;
  }
  const problems = Object.entries(RENAMED_VARIABLES)
    .filter(([old]) => isSet(old))
    .map(([old, renamed]) => ({ variable: old, message: `is no longer read: it was renamed ${renamed}, set that instead` }));
  const parsed = ConfigSchema.safeParse(relevant, PARSE_OPTIONS);
  if (!parsed.success) {
    problems.push(...toFieldIssues(parsed.error).map(({ field, message }) => ({ variable: field, message })));
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** Which adapter backs each port under this configuration, for the first log line. */
export function describeAdapters(config: Config): Record<string, string> {
  return {
    job_queue: config.KAFKA_BROKERS ? `kafka (${describeKafka(config.KAFKA_BROKERS, config)})` : 'in-memory',
    status_store: config.REDIS_URL ? `redis (${redactUrl(config.REDIS_URL)})` : 'in-memory',
    result_store: config.MONGODB_URI ? `mongodb (${redactUrl(config.MONGODB_URI)})` : 'in-memory',
    // Kept durably beside the results when there are any, so they outlive a Redis that loses its data.
    idempotency_keys: config.MONGODB_URI ? 'mongodb' : config.REDIS_URL ? 'redis' : 'in-memory',
    progress_rpc: config.RABBITMQ_URL ? `rabbitmq (${redactUrl(config.RABBITMQ_URL)})` : 'in-memory',
    providers: config.PROVIDER_MODE === 'http' ? 'http' : `simulated (${config.SIMULATED_PROVIDER_DELAY_MS} ms)`,
    webhooks: config.WEBHOOK_SECRET ? 'signed with WEBHOOK_SECRET' : 'off (no WEBHOOK_SECRET: a callback_url is refused)',
  };
}

/** Brokers, and whether TLS and SASL are on; never the credentials. */
function describeKafka(brokers: string, config: Config): string {
  const security = [config.KAFKA_SSL ? 'tls' : undefined, config.KAFKA_SASL_MECHANISM ? `sasl ${config.KAFKA_SASL_MECHANISM}` : undefined];
  return [brokers, ...security].filter(Boolean).join(', ');
}

/** host:port only: credentials and query strings of connection URLs never reach a log. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(unparseable URL)';
  }
}
