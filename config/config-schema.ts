import { z } from 'zod';
import {
  DEFAULT_TOPIC_TEMPLATE,
  JOB_TIMEOUT_CEILING_MS,
  JOB_TIMEOUT_DEFAULT_MS_DEFAULT,
  JOB_TIMEOUT_MAX_MS_DEFAULT,
  JOB_TIMEOUT_MIN_MS,
  PROGRESS_REQUEST_QUEUE,
  STATUS_TTL_SECONDS,
  type JobTimeoutSettings,
} from '../contracts/index.js';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS } from '../contracts/webhooks.js';
import { keyListProblem, parseKeyList, readKeyFile } from './api-keys.js';
import { urlSetting } from './setting-types.js';
import { jobPriorityOverridesSetting } from './job-priorities.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const url = urlSetting;
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const apiKeyList = z.string().superRefine((value, ctx) => {
  const problem = keyListProblem(parseKeyList(value), (i) => `entry ${i + 1}`);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const apiKeyFile = z
  .string()
  .trim()
  .superRefine((path, ctx) => {
    let keys: string[];
    try {
      keys = readKeyFile(path);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `must name a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}: ${path})` });
      return;
    }
    const problem = keyListProblem(keys, (i) => `key ${i + 1}`);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

// Standard Webhooks secrets: `whsec_` then the base64 of 24 to 64 random bytes.
const WEBHOOK_SECRET_WORDS = 'must be whsec_ followed by the base64 of 24 to 64 random bytes (e.g. whsec_$(openssl rand -base64 32))';
const webhookSecret = z
  .string()
  .trim()
  .refine((value) => {
    const encoded = value.startsWith('whsec_') ? value.slice('whsec_'.length) : '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return false;
    const bytes = Buffer.from(encoded, 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, WEBHOOK_SECRET_WORDS);
const hostList = z
  .string()
  .transform((value) => value.split(',').map((host) => host.trim().toLowerCase()).filter((host) => host.length > 0))
  .refine((hosts) => hosts.every((host) => /^(\[[0-9a-f:.]+\]|[0-9a-f:.]*:[0-9a-f:.]*|[a-z0-9.-]+)$/.test(host)), 'must be host names or addresses separated by commas, without scheme or port');
const msList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()))
  .refine((parts) => parts.length <= 50 && parts.every((part) => /^[1-9][0-9]{0,9}$/.test(part)), 'must be 1 to 50 whole numbers of ms separated by commas')
  .transform((parts) => parts.map(Number));

/**
 * Every environment variable dtq reads. Unset service URLs select the in-memory adapters; an
 * invalid value stops the process with a message naming the variable.
 */
const ConfigVariables = z.object({
  PORT: port.default(7071),
  WORKER_METRICS_PORT: port.default(9464),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  KAFKA_BROKERS: z
    .string()
    .trim()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  KAFKA_TOPIC_TEMPLATE: z.string().includes('%s', { message: 'must contain %s for the job type' }).default(DEFAULT_TOPIC_TEMPLATE),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('dtq-worker'),
  KAFKA_CLIENT_ID: z.string().min(1).default('dtq'),
  KAFKA_TOPIC_PARTITIONS: positiveInt.default(3),
  /**
   * How long the group waits for a silent worker before giving its partitions to another. Lower
   * means faster recovery from a crashed worker; Kafka brokers refuse values under 6000 by default.
   */
  KAFKA_SESSION_TIMEOUT_MS: positiveInt.min(6_000).max(300_000).default(30_000),
  KAFKA_COMMIT_INTERVAL_MS: positiveInt.min(50).max(60_000).default(1_000),
  /**
   * What one fetch of the worker takes from Kafka, in all and from each partition: with the
   * records waiting for a slot, what a backlog puts in the worker's memory. A record larger than
   * the per-partition limit is still fetched whole.
   */
  KAFKA_FETCH_MAX_BYTES: positiveInt.min(16_384).max(104_857_600).default(1_048_576),
  KAFKA_FETCH_MAX_BYTES_PER_PARTITION: positiveInt.min(1_024).max(104_857_600).default(131_072),
  KAFKA_SSL: flag.default(false),
  // oauthbearer: Entra ID tokens for Azure Event Hubs from the process's Azure identity, no credentials here.
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),

  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  /**
   * REDIS_URL names one node of a Redis Cluster (Azure Managed Redis with the OSS clustering
   * policy): the client discovers the other nodes and sends each key to its slot's node.
   */
  REDIS_CLUSTER: flag.default(false),
  /** Put before every Redis key (e.g. `staging:`), so deployments can share one Redis; default none. */
  REDIS_KEY_PREFIX: z.string().max(128).regex(/^\S*$/, 'must not contain whitespace').default(''),
  /**
   * How long a job's status (and an Idempotency-Key) is kept after its last write: the live
   * listing's window. At least an hour, so a job outlives its backlog and its client's retries;
   * at most a week (older jobs are listed from the stored results).
   */
  STATUS_TTL_SECONDS: positiveInt.min(3_600).max(7 * 24 * 3_600).default(STATUS_TTL_SECONDS),
  RABBITMQ_URL: url(['amqp:', 'amqps:']).optional(),
  /** The queue progress requests go to; the contract's name unless a deployment needs its own. */
  PROGRESS_REQUEST_QUEUE: z
    .string()
    .min(1)
    .max(255)
    .refine((name) => !name.startsWith('amq.'), 'must not start with "amq." (reserved by RabbitMQ)')
    .default(PROGRESS_REQUEST_QUEUE),
  MONGODB_URI: url(['mongodb:', 'mongodb+srv:']).optional(),
  MONGODB_DATABASE: z.string().min(1).default('dtq'),

  WORKER_CONCURRENCY: positiveInt.max(256).default(8),
  WORKER_HANDLER_ATTEMPTS: positiveInt.max(100).default(5),
  /** How long a progress RPC call waits for the worker's reply; GET /v1/jobs/{id}/status then answers 504. */
  PROGRESS_RPC_TIMEOUT_MS: positiveInt.max(60_000).default(2_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(25_000),
  /** How often each worker looks for due schedule ticks: a tick's job is submitted at most this late. */
  SCHEDULE_POLL_MS: positiveInt.min(50).max(60_000).default(250),
  /** How often each worker looks for due delayed jobs when none were due: a job starts at most this late. */
  DELAYED_POLL_MS: positiveInt.min(20).max(60_000).default(250),

  PROVIDER_MODE: z.enum(['simulated', 'http']).default('simulated'),
  SIMULATED_PROVIDER_DELAY_MS: nonNegativeInt.max(600_000).default(300),
  PROVIDER_TIMEOUT_MS: positiveInt.default(5_000),
  PROVIDER_MAX_ATTEMPTS: positiveInt.max(10).default(3),
  PROVIDER_RETRY_INITIAL_MS: positiveInt.default(200),
  PROVIDER_RETRY_MAX_MS: positiveInt.default(5_000),
  PROVIDER_BREAKER_THRESHOLD: positiveInt.default(5),
  PROVIDER_BREAKER_COOLDOWN_MS: positiveInt.default(30_000),
  // A job's timeout bounds its handler's run, every attempt of one delivery together.
  JOB_TIMEOUT_MAX_MS: positiveInt.min(JOB_TIMEOUT_MIN_MS).max(JOB_TIMEOUT_CEILING_MS).default(JOB_TIMEOUT_MAX_MS_DEFAULT),
  JOB_TIMEOUT_DEFAULT_MS: positiveInt.min(JOB_TIMEOUT_MIN_MS).max(JOB_TIMEOUT_CEILING_MS).default(JOB_TIMEOUT_DEFAULT_MS_DEFAULT),
  // A job type's priority for this deployment, over its definition's defaults.priority.
  JOB_PRIORITY_OVERRIDES: jobPriorityOverridesSetting.default({}),

  SERVE_WEB: flag.optional(),

  API_KEYS: apiKeyList.optional(),
  API_KEYS_FILE: apiKeyFile.optional(),
  // App Service Authentication (Easy Auth) validates callers' Entra ID tokens in front of this
  // process and injects the caller as x-ms-client-principal-id, a header it strips from client
  // requests. Only then may that header be trusted: anywhere else a client could send it.
  APP_SERVICE_AUTH: flag.default(false),
  // Limits per API instance (see api/http/request-limits.ts for why in memory); 0 turns one off.
  API_RATE_LIMIT_PER_MINUTE: nonNegativeInt.max(1_000_000).default(1_200),
  API_AUTH_FAILURES_PER_MINUTE: nonNegativeInt.max(10_000).default(10),
  STATS_CACHE_MS: nonNegativeInt.max(60_000).default(5_000),
  /** Event streams (SSE) one API instance holds open at once; one more is answered 503. */
  EVENT_STREAMS_MAX: positiveInt.max(100_000).default(1_000),
  /** How often an event stream with nothing to say sends a comment line, so proxies and clients see it is alive. */
  EVENT_STREAM_HEARTBEAT_MS: positiveInt.min(50).max(300_000).default(15_000),
  /** How long a job's event log is kept after its last event, for streams to resume from; after it they resume from the status. */
  EVENT_LOG_TTL_SECONDS: positiveInt.max(7 * 24 * 3600).default(3_600),

  // Webhooks (docs/webhooks.md). Without a secret no callback_url is accepted.
  WEBHOOK_SECRET: webhookSecret.optional(),
  /** Hosts callback URLs may name (comma list); unset: any host with a public address. A listed host may also be private. */
  CALLBACK_ALLOWED_HOSTS: hostList.optional(),
  /** The waits before each retry of a webhook (ms, comma list, each varied by ±20 %); past the last the delivery is given up. */
  WEBHOOK_RETRY_SCHEDULE_MS: msList.default(() => [...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS]),
  /** The deadline of one webhook attempt; a deliverer's claim on a delivery holds twice as long. */
  WEBHOOK_TIMEOUT_MS: positiveInt.min(100).max(60_000).default(10_000),
  /** How often each worker looks for due webhook attempts. */
  WEBHOOK_POLL_MS: positiveInt.min(50).max(60_000).default(1_000),
  // A running bulk operation whose process has not written a heartbeat for this long shows as
  // interrupted, and POST /v1/bulk/{id}/resume may take it over (docs/bulk.md).
  BULK_OPERATION_STALE_MS: positiveInt.min(1_000).max(600_000).default(15_000),
});

/** The variables, plus the rules that span several of them. */
export const ConfigSchema = ConfigVariables.superRefine((config, ctx) => {
  if (config.REDIS_CLUSTER) {
    if (!config.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER'], message: 'needs REDIS_URL (one node of the cluster)' });
    } else if (!['', '/', '/0'].includes(new URL(config.REDIS_URL).pathname)) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'must not select a database other than 0 when REDIS_CLUSTER is true (a cluster has only database 0)' });
    }
  }
  if (config.JOB_TIMEOUT_DEFAULT_MS > config.JOB_TIMEOUT_MAX_MS) {
    ctx.addIssue({ code: 'custom', path: ['JOB_TIMEOUT_DEFAULT_MS'], message: `must not be above JOB_TIMEOUT_MAX_MS (${config.JOB_TIMEOUT_MAX_MS})` });
  }
  // SASL is all or nothing: a mechanism without credentials, or credentials nobody uses, is a mistake.
  const credentials = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const;
  if (config.KAFKA_SASL_MECHANISM === 'oauthbearer') {
    for (const variable of credentials) {
      if (config[variable]) ctx.addIssue({ code: 'custom', path: [variable], message: 'must not be set when KAFKA_SASL_MECHANISM is oauthbearer (the token comes from the Azure identity)' });
    }
  } else if (config.KAFKA_SASL_MECHANISM) {
    for (const variable of credentials) {
      if (!config[variable]) ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when KAFKA_SASL_MECHANISM is set' });
    }
  } else if (credentials.some((variable) => config[variable])) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_MECHANISM'], message: 'is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set (plain, scram-sha-256 or scram-sha-512)' });
  }
});

export type Config = z.infer<typeof ConfigSchema>;
export const CONFIG_VARIABLES = Object.keys(ConfigSchema.shape) as Array<keyof Config>;

/**
 * Settings renamed, old name to new. A deployment that still sets an old name is refused at
 * start-up with the new name in the message: ignoring the old name would drop its value
 * silently, and reading it for one more release would only move that moment.
 */
export const RENAMED_VARIABLES: Readonly<Record<string, keyof Config>> = {
  STATUS_RPC_TIMEOUT_MS: 'PROGRESS_RPC_TIMEOUT_MS',
};

/** The timeout settings as the domain takes them. */
export function jobTimeoutSettings(config: Pick<Config, 'JOB_TIMEOUT_DEFAULT_MS' | 'JOB_TIMEOUT_MAX_MS'>): JobTimeoutSettings {
  return { defaultMs: config.JOB_TIMEOUT_DEFAULT_MS, maxMs: config.JOB_TIMEOUT_MAX_MS };
}
