import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACTED_PATHS, createLogger } from '../../telemetry/index.js';

/** Lines written by a logger, parsed, without the fields that differ between two loggers. */
function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .trim()
      .split('\n')
      .map((line) => {
        const { time: _time, level: _level, service: _service, ...rest } = JSON.parse(line) as Record<string, unknown>;
        return rest;
      });
  return { stream, lines };
}

class WithFields extends Error {
  password = 'p';
  detail = { token: 't', headers: { authorization: 'a' } };
}

// Field objects without credentials in their strings, so only where fields are replaced differs.
const CASES: Array<Record<string, unknown>> = [
  { password: 'p', token: 't', job_id: 'j' },
  { headers: { authorization: 'a', 'x-api-key': 'k', cookie: 'c', 'set-cookie': 's', 'content-type': 'json' } },
  { req: { headers: { authorization: 'a', accept: '*/*' }, token: 't', url: '/v1' } },
  { config: { REDIS_URL: 'r', nested: { password: 'deep', headers: { token: 'deeper' } } } },
  { a: { b: { headers: { authorization: 'three levels down' } } } },
  { headers: { headers: { authorization: 'a' }, inner: { token: 'not on a path' } } },
  { list: [{ password: 'in an array' }], tuple: [['token']] },
  { password: undefined, token: null, api_key: 0, api_keys: ['x'], cookie: { value: 'c' } },
  { when: new Date(0), GITHUB_TOKEN: 'g', API_KEYS: 'a', KAFKA_SASL_PASSWORD: 'k' },
  { err: new WithFields('boom'), error: { password: 'p', message: 'm' } },
  { connection_string: 'c', MONGODB_URI: 'm', RABBITMQ_URL: 'r', authorization: 'a', 'x-api-key': 'k' },
];

describe('log redaction positions', () => {
  it('replaces exactly the fields pino redact would replace with REDACTED_PATHS', () => {
    const ours = collector();
    const reference = collector();
    const logger = createLogger({ service: 'x', level: 'info', destination: ours.stream });
    const pinoRedact = pino(
      { level: 'info', base: undefined, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, serializers: { err: pino.stdSerializers.err } },
      reference.stream,
    );
    for (const fields of CASES) {
      logger.info(fields, 'line');
      pinoRedact.info(fields, 'line');
    }
    const bindings = { headers: { authorization: 'a' }, token: 't', job: { password: 'p', id: 'j' } };
    logger.child(bindings).info({ job_type: 'weather' }, 'child line');
    pinoRedact.child(bindings).info({ job_type: 'weather' }, 'child line');
    logger.child({ component: 'c' }).child({ cookie: 'c', req: { headers: { 'x-api-key': 'k' } } }).info({}, 'grandchild line');
    pinoRedact.child({ component: 'c' }).child({ cookie: 'c', req: { headers: { 'x-api-key': 'k' } } }).info({}, 'grandchild line');

    const [oursLines, referenceLines] = [ours.lines(), reference.lines()];
    expect(oursLines).toHaveLength(CASES.length + 2);
    for (let i = 0; i < referenceLines.length; i++) {
      const strip = (line: Record<string, unknown>) => {
        // The stack names this file's lines either way; compare what it starts with.
        const err = line.err as { stack?: string } | undefined;
        if (err?.stack) err.stack = err.stack.split('\n')[0];
        return line;
      };
      expect(strip(oursLines[i]!), `case ${i}: ${JSON.stringify(referenceLines[i])}`).toEqual(strip(referenceLines[i]!));
    }
  });

  it('writes objects with their own JSON form, such as URLs, which pino redact cannot clone', () => {
    const ours = collector();
    createLogger({ service: 'x', level: 'info', destination: ours.stream }).info({ target: new URL('http://localhost/x'), at: new Date(0) }, 'line');
    expect(ours.lines()[0]).toMatchObject({ target: 'http://localhost/x', at: '1970-01-01T00:00:00.000Z' });
  });
});
