import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import { createLogger, scrubSecrets } from '../../telemetry/index.js';

/** A real pino logger writing into memory through a destination stream. */
function capture() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ service: 'redaction-test', level: 'debug', destination });
  return { logger, text: () => chunks.join(''), lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l)) };
}

const API_KEY = 'sk-live-9b1e6c2f0a7d4e83';
const BEARER = 'tok-4f0c2a9e7b1d6c35';
const REDIS_PASSWORD = 'redis-pw-51c7e2';
const MONGO_PASSWORD = 'mongo-pw-a83f0d';
const AMQP_PASSWORD = 'amqp-pw-6e2b91';
const SECRETS = [API_KEY, BEARER, REDIS_PASSWORD, MONGO_PASSWORD, AMQP_PASSWORD];

describe('log redaction', () => {
  it('never writes API keys, authorization headers, connection strings or credentials inside error messages', () => {
    const { logger, text, lines } = capture();
    logger.info({ headers: { 'x-api-key': API_KEY, authorization: `Bearer ${BEARER}`, 'content-type': 'application/json' } }, 'request headers');
    logger.info({ req: { headers: { 'x-api-key': API_KEY, authorization: `Bearer ${BEARER}` } } }, 'nested request');
    logger.info({ 'x-api-key': API_KEY, authorization: `Bearer ${BEARER}` }, 'flat headers');
    logger.info({ REDIS_URL: `redis://:${REDIS_PASSWORD}@cache.internal:6380/0`, MONGODB_URI: `mongodb://dtq:${MONGO_PASSWORD}@db1:27017,db2:27017/dtq` }, 'config');
    logger.info({ config: { RABBITMQ_URL: `amqp://dtq:${AMQP_PASSWORD}@mq:5672` } }, 'nested config');
    logger.warn({ target: `redis://default:${REDIS_PASSWORD}@cache.internal:6380` }, 'a free-text field with a URL');
    logger.error(
      { err: new Error(`connect ECONNREFUSED mongodb://dtq:${MONGO_PASSWORD}@db1:27017/dtq?authSource=admin`) },
      'store failed',
    );
    const cause = new Error(`AMQP handshake to amqp://guest:${AMQP_PASSWORD}@mq:5672 refused`);
    logger.error({ err: new DependencyUnavailableError('progress RPC', cause.message, { cause }) }, 'dependency down');
    logger.error({ err: new AggregateError([new Error(`redis://:${REDIS_PASSWORD}@h:1 down`)], 'all failed') }, 'aggregate');
    logger.info({}, `message text naming rediss://user:${REDIS_PASSWORD}@cache:6380 and Bearer ${BEARER}`);

    const written = text();
    for (const secret of SECRETS) expect(written, `${secret} leaked`).not.toContain(secret);

    const [headers, nested, flat, config, nestedConfig, freeText, mongoError, wrapped, aggregate, message] = lines();
    expect(headers.headers).toEqual({ 'x-api-key': '[redacted]', authorization: '[redacted]', 'content-type': 'application/json' });
    expect(nested.req.headers['x-api-key']).toBe('[redacted]');
    expect(flat['x-api-key']).toBe('[redacted]');
    expect(config).toMatchObject({ REDIS_URL: '[redacted]', MONGODB_URI: '[redacted]' });
    expect(nestedConfig.config.RABBITMQ_URL).toBe('[redacted]');
    // What is not secret stays readable, so the line is still useful.
    expect(freeText.target).toBe('redis://[redacted]@cache.internal:6380');
    expect(mongoError.err.message).toBe('connect ECONNREFUSED mongodb://[redacted]@db1:27017/dtq?authSource=admin');
    expect(mongoError.err.stack).toContain('mongodb://[redacted]@db1');
    expect(wrapped.err).toMatchObject({ type: 'DependencyUnavailableError', dependency: 'progress RPC' });
    expect(wrapped.err.message).toContain('amqp://[redacted]@mq:5672');
    expect(aggregate.err.aggregateErrors[0].message).toBe('redis://[redacted]@h:1 down');
    expect(message.msg).toBe('message text naming rediss://[redacted]@cache:6380 and Bearer [redacted]');
  });

  it('leaves URLs without credentials and ordinary text alone', () => {
    for (const text of ['http://localhost:7071/v1/jobs', 'redis://cache:6379', 'user@example.com wrote', 'plain text']) {
      expect(scrubSecrets(text)).toBe(text);
    }
  });
});
