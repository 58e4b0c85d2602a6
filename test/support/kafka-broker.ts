/**
 * A Kafka broker of a test's own (Apache Kafka in KRaft mode, the jars services:up uses), for
 * tests that stop and restart a broker, put the contract topics on a broker nobody else writes
 * to, or need a SASL listener. It runs like scripts/services/kafka/broker.sh's broker (one
 * combined broker and controller, the same settings), on free ports, with its state in a
 * temporary folder that close() removes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { REPO_ROOT, freePort } from './processes.js';
import { waitFor } from './wait-for.js';

const BROKER_SCRIPT = join(REPO_ROOT, 'scripts/services/kafka/broker.sh');
const LOG4J_CONFIG = join(REPO_ROOT, 'scripts/services/kafka/log4j2.properties');
const run = promisify(execFile);

export interface PrivateKafkaBroker {
  /** host:port of the PLAINTEXT listener. */
  readonly brokers: string[];
  readonly port: number;
  /** host:port of the SASL_PLAINTEXT listener (SASL PLAIN), when one was asked for. */
  readonly saslBrokers?: string[];
  /** The broker's log (warnings and errors), for failure messages. */
  readonly logFile: string;
  /** Stops the broker (SIGTERM, a controlled shutdown) and waits until its process has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same ports with the same state (topics, offsets, groups). */
  start(): Promise<void>;
  /** SIGSTOP: the broker keeps every connection open and answers nothing, as a hung server does. */
  freeze(): void;
  /** SIGCONT: it carries on where it stopped. */
  thaw(): void;
  /** Stops it and deletes its state. */
  close(): Promise<void>;
}

export interface PrivateKafkaBrokerOptions {
  /** Adds a SASL_PLAINTEXT listener where SASL PLAIN knows only this user. */
  saslUser?: { username: string; password: string };
  partitions?: number;
}

/** Starts a broker of the test's own and waits until it answers. */
export async function startPrivateKafkaBroker(options: PrivateKafkaBrokerOptions = {}): Promise<PrivateKafkaBroker> {
  const libs = await kafkaClasspath();
  const dir = await mkdtemp(join(tmpdir(), 'dtq-kafka-'));
  const [port, controllerPort, saslPort] = [await freePort(), await freePort(), await freePort()];
  const properties = join(dir, 'server.properties');
  await writeFile(properties, serverProperties({ dir, port, controllerPort, ...(options.saslUser ? { sasl: { port: saslPort, ...options.saslUser } } : {}), partitions: options.partitions ?? 3 }));
  const java = (args: string[]) => ['-cp', `${libs}/*`, ...args];
  // The cluster id is 16 random bytes in URL-safe base64, what StorageTool random-uuid prints. One
  // in 64 starts with '-', which the tool's parser takes for an option unless it is joined by '='.
  await run('java', java(['kafka.tools.StorageTool', 'format', `--cluster-id=${randomBytes(16).toString('base64url')}`, '-c', properties]), { timeout: 120_000 });

  const logFile = join(dir, 'server.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    if (child) return;
    const jvm = spawn('java', ['-Xmx384m', '-Xms384m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`, `-Ddtq.kafka.log=${logFile}`, ...java(['kafka.Kafka', properties])], {
      stdio: 'ignore',
    });
    child = jvm;
    exited = new Promise((resolve) => jvm.once('exit', () => resolve()));
    void exited.then(() => {
      if (child === jvm) child = undefined;
    });
    const died = exited.then(() => {
      throw new Error(`the private Kafka broker exited during its start; see ${logFile}`);
    });
    died.catch(() => undefined);
    const answered = waitFor(async () => (child === jvm && (await answers(port)) ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 200,
      what: `the private Kafka broker on 127.0.0.1:${port} (log: ${logFile})`,
    });
    answered.catch(() => undefined);
    await Promise.race([answered, died]);
  };
  const stop = async () => {
    const jvm = child;
    if (!jvm) return;
    jvm.kill('SIGCONT');
    jvm.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 60_000).unref())]);
    if (!stopped) {
      jvm.kill('SIGKILL');
      await exited;
    }
    child = undefined;
  };
  try {
    await start();
  } catch (error) {
    await stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    brokers: [`127.0.0.1:${port}`],
    port,
    ...(options.saslUser ? { saslBrokers: [`127.0.0.1:${saslPort}`] } : {}),
    logFile,
    stop,
    start,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The Kafka jars services:up fetched from Maven Central (fetched now if they are not yet). */
async function kafkaClasspath(): Promise<string> {
  try {
    const { stdout } = await run('bash', [BROKER_SCRIPT, 'classpath'], { timeout: 600_000 });
    return stdout.trim();
  } catch (error) {
    throw new Error(`could not get the Kafka jars with ${BROKER_SCRIPT} classpath (Java 17 and Maven are needed): ${(error as Error).message}`, { cause: error });
  }
}

function serverProperties(o: { dir: string; port: number; controllerPort: number; partitions: number; sasl?: { port: number; username: string; password: string } }): string {
  const listeners = [`PLAINTEXT://127.0.0.1:${o.port}`, ...(o.sasl ? [`SASL_PLAINTEXT://127.0.0.1:${o.sasl.port}`] : [])];
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=${[...listeners, `CONTROLLER://127.0.0.1:${o.controllerPort}`].join(',')}`,
    `advertised.listeners=${listeners.join(',')}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(o.dir, 'data')}`,
    `num.partitions=${o.partitions}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
  ];
  if (o.sasl) {
    lines.push(
      'sasl.enabled.mechanisms=PLAIN',
      'listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN',
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${o.sasl.username}="${o.sasl.password}";`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Whether the broker answers a metadata request (describeCluster) on its PLAINTEXT listener. */
async function answers(port: number): Promise<boolean> {
  const admin = new Kafka({ clientId: 'dtq-test-broker-probe', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, connectionTimeout: 1_000, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
