import { describe, expect, it } from 'vitest';
import { ConfigError, describeAdapters, loadConfig } from '../../config/index.js';
import { DEAD_LETTER_TOPIC } from '../../contracts/index.js';
import { deadLetterTopicFor } from '../../core/domain/index.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const problems = (env: Record<string, string>) => configError(env).problems;

describe('Kafka security configuration', () => {
  it('reads TLS and SASL settings, for example those of Azure Event Hubs', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'dtq-ns.servicebus.windows.net:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: '$ConnectionString',
      KAFKA_SASL_PASSWORD: 'Endpoint=sb://dtq-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0',
    });
    expect(config).toMatchObject({ KAFKA_SSL: true, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: '$ConnectionString' });
    expect(loadConfig({}).KAFKA_SSL).toBe(false);
  });

  it('describes the queue with TLS and the mechanism but never the credentials', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'b1:9093,b2:9093',
      KAFKA_SSL: 'yes',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'dtq-user',
      KAFKA_SASL_PASSWORD: 'hunter2-secret',
    });
    const described = describeAdapters(config).job_queue;
    expect(described).toBe('kafka (b1:9093,b2:9093, tls, sasl scram-sha-512)');
    expect(described).not.toContain('dtq-user');
    expect(described).not.toContain('hunter2-secret');
  });

  it('names each missing credential when a SASL mechanism is set', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual([
      { variable: 'KAFKA_SASL_USERNAME', message: 'is required when KAFKA_SASL_MECHANISM is set' },
      { variable: 'KAFKA_SASL_PASSWORD', message: 'is required when KAFKA_SASL_MECHANISM is set' },
    ]);
    expect(problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: '$ConnectionString' }).map((p) => p.variable)).toEqual([
      'KAFKA_SASL_PASSWORD',
    ]);
  });

  it('refuses credentials without a mechanism, and an unknown mechanism', () => {
    expect(problems({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).map((p) => p.variable)).toEqual(['KAFKA_SASL_MECHANISM']);
    expect(problems({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).map((p) => p.variable)).toEqual([
      'KAFKA_SASL_MECHANISM',
    ]);
    expect(problems({ KAFKA_SSL: 'maybe' }).map((p) => p.variable)).toEqual(['KAFKA_SSL']);
  });

  it('takes oauthbearer (Entra tokens from the Azure identity) without credentials, and refuses credentials with it', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'ns.servicebus.windows.net:9093', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_SSL: 'true' })).toMatchObject({
      KAFKA_SASL_MECHANISM: 'oauthbearer',
    });
    expect(problems({ KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_SASL_USERNAME: '$ConnectionString' })).toEqual([
      { variable: 'KAFKA_SASL_USERNAME', message: 'must not be set when KAFKA_SASL_MECHANISM is oauthbearer (the token comes from the Azure identity)' },
    ]);
  });

  it('never puts the password in the error message', () => {
    const error = configError({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'hunter2-secret' });
    expect(error.message).toContain('KAFKA_SASL_USERNAME');
    expect(error.message).not.toContain('hunter2-secret');
  });
});

describe('worker tuning configuration', () => {
  it('reads the commit interval and handler attempts, with their defaults, and names a value out of range', () => {
    expect(loadConfig({})).toMatchObject({ KAFKA_COMMIT_INTERVAL_MS: 1_000, WORKER_HANDLER_ATTEMPTS: 5 });
    expect(loadConfig({ KAFKA_COMMIT_INTERVAL_MS: '250', WORKER_HANDLER_ATTEMPTS: '2' })).toMatchObject({ KAFKA_COMMIT_INTERVAL_MS: 250, WORKER_HANDLER_ATTEMPTS: 2 });
    expect(problems({ KAFKA_COMMIT_INTERVAL_MS: '10' }).map((p) => p.variable)).toEqual(['KAFKA_COMMIT_INTERVAL_MS']);
    expect(problems({ WORKER_HANDLER_ATTEMPTS: '0' }).map((p) => p.variable)).toEqual(['WORKER_HANDLER_ATTEMPTS']);
  });
});

describe('worker fetch sizes', () => {
  it('bound what one fetch takes, in all and per partition, with defaults for a small container, and name a value out of range', () => {
    expect(loadConfig({})).toMatchObject({ KAFKA_FETCH_MAX_BYTES: 1_048_576, KAFKA_FETCH_MAX_BYTES_PER_PARTITION: 131_072 });
    expect(loadConfig({ KAFKA_FETCH_MAX_BYTES: '524288', KAFKA_FETCH_MAX_BYTES_PER_PARTITION: '65536' })).toMatchObject({
      KAFKA_FETCH_MAX_BYTES: 524_288,
      KAFKA_FETCH_MAX_BYTES_PER_PARTITION: 65_536,
    });
    expect(problems({ KAFKA_FETCH_MAX_BYTES: '100', KAFKA_FETCH_MAX_BYTES_PER_PARTITION: 'lots' }).map((p) => p.variable).sort()).toEqual([
      'KAFKA_FETCH_MAX_BYTES',
      'KAFKA_FETCH_MAX_BYTES_PER_PARTITION',
    ]);
  });
});

describe('the dead-letter topic', () => {
  it('is the contract\'s jobs.dlq.v1 under the default template, and a run\'s own under its template', () => {
    expect(deadLetterTopicFor(loadConfig({}).KAFKA_TOPIC_TEMPLATE)).toBe(DEAD_LETTER_TOPIC);
    expect(deadLetterTopicFor('run_1.jobs.%s.v1')).toBe('run_1.jobs.dlq.v1');
  });
});
