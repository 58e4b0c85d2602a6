/**
 * Vitest global setup: every suite runs on real servers, so a missing one fails the run at once,
 * naming the server and how to start it, instead of every suite timing out on its own.
 */
import { Socket } from 'node:net';
import {
  TEST_KAFKA_BROKERS,
  TEST_MONGODB_URI,
  TEST_RABBITMQ_URL,
  TEST_REDIS_CLUSTER_NODES,
  TEST_REDIS_URL,
} from './services.js';

function answers(hostPort: string, timeoutMs = 2_000): Promise<boolean> {
  const [host, port] = splitHostPort(hostPort);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

function splitHostPort(hostPort: string): [string, number] {
  const at = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, at).replace(/^\[|\]$/g, ''), Number(hostPort.slice(at + 1))];
}

function urlHostPort(url: string, defaultPort: number): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || defaultPort}`;
}

export default async function checkServices(): Promise<void> {
  const servers: Array<[string, string]> = [
    ['Redis (REDIS_URL)', urlHostPort(TEST_REDIS_URL, 6379)],
    ['RabbitMQ (RABBITMQ_URL)', urlHostPort(TEST_RABBITMQ_URL, 5672)],
    ['MongoDB wire server (MONGODB_URI)', urlHostPort(TEST_MONGODB_URI, 27017)],
    ...TEST_KAFKA_BROKERS.map((broker): [string, string] => ['Kafka (KAFKA_BROKERS)', broker]),
    ...TEST_REDIS_CLUSTER_NODES.map((node): [string, string] => ['Redis Cluster (REDIS_CLUSTER_NODES)', node]),
  ];
  const missing: string[] = [];
  await Promise.all(
    servers.map(async ([name, address]) => {
      if (!(await answers(address))) missing.push(`${name} at ${address}`);
    }),
  );
  if (missing.length > 0) {
    throw new Error(
      `dtq's tests run on real servers, and these do not answer: ${missing.join('; ')}. ` +
        'Start them with `eval "$(npm run -s services:up)"` (or `docker compose up -d`), then run the tests again.',
    );
  }
}
