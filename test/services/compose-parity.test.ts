// No Docker engine runs on our machines, so compose.yaml is checked by reading it: it must offer
// the servers `services:up` offers, on the ports its exports name, each healthy-checked and with
// its data on a volume, and run the same Kafka version (KRaft) as the services script.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/processes.js';

interface ComposeService {
  image: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(join(REPO_ROOT, 'compose.yaml'), 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

/** What services:up prints: it is idempotent, and the test run's servers are already up. */
function servicesUpExports(): Record<string, string> {
  const run = spawnSync('npm', ['run', '-s', 'services:up'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split('\n').filter(Boolean);
  for (const line of lines) expect(line).toMatch(/^export [A-Z_]+=\S+$/);
  return Object.fromEntries(lines.map((line) => line.slice('export '.length).split(/=(.*)/s).slice(0, 2) as [string, string]));
}

function publishedPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((mapping) => Number(mapping.split(':')[0]));
}

function portsOf(value: string): number[] {
  return value.split(',').map((address) => Number(/:(\d+)(\/|$)/.exec(address.replace(/^\w+:\/\/([^@]*@)?/, 'x:'))?.[1] ?? NaN));
}

describe('compose.yaml offers what services:up offers', () => {
  const exports = servicesUpExports();

  it('services:up exports exactly the five service variables', () => {
    expect(Object.keys(exports).sort()).toEqual(['KAFKA_BROKERS', 'MONGODB_URI', 'RABBITMQ_URL', 'REDIS_CLUSTER_NODES', 'REDIS_URL']);
  });

  it.each([
    ['KAFKA_BROKERS', 'kafka'],
    ['MONGODB_URI', 'mongodb'],
    ['REDIS_URL', 'redis'],
    ['RABBITMQ_URL', 'rabbitmq'],
    ['REDIS_CLUSTER_NODES', 'redis-cluster'],
  ])('%s is served by compose service %s on the same ports', (variable, name) => {
    const service = compose.services[name];
    expect(service, `compose.yaml has no service ${name}`).toBeDefined();
    for (const port of portsOf(exports[variable]!)) expect(publishedPorts(service!)).toContain(port);
  });

  it('gives every service a health check and a named volume for its data', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test, `${name} has no health check`).toBeDefined();
      const volume = service.volumes?.[0]?.split(':')[0];
      expect(volume && volume in compose.volumes, `${name} keeps no data on a named volume`).toBe(true);
    }
  });

  it('runs Kafka in KRaft mode at the version services:up pins', () => {
    const pom = readFileSync(join(REPO_ROOT, 'scripts/services/kafka/pom.xml'), 'utf8');
    const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
    const kafka = compose.services.kafka!;
    expect(kafka.image).toBe(`apache/kafka:${version}`);
    expect(String(kafka.environment?.KAFKA_PROCESS_ROLES)).toMatch(/controller/);
    expect(String(kafka.environment?.KAFKA_ADVERTISED_LISTENERS)).toContain(exports.KAFKA_BROKERS);
  });
});
