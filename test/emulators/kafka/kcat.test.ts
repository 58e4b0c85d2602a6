/**
 * librdkafka (through Debian's kcat) against the Kafka emulator. kcat must be
 * installed (`apt-get install -y kcat`); without it this test fails, it does
 * not skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKafkaEmulator, type KafkaEmulator } from '../../../scripts/emulators/kafka/index.js';
import { kafkaClient, uniqueName } from './helpers.js';

const KCAT_TIMEOUT_MS = 20_000;

interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kcatInstalled(): boolean {
  const probe = spawnSync('kcat', ['-V'], { stdio: 'ignore', timeout: 5_000 });
  return !probe.error && probe.status === 0;
}

/** Runs kcat, feeding `input` on stdin; kills it and fails if it outlives the timeout. */
function kcat(args: string[], input = ''): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} still running after ${KCAT_TIMEOUT_MS} ms; stderr:\n${stderr}`));
    }, KCAT_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

function lines(r: KcatResult): string[] {
  expect(r.code, `kcat exited with ${r.code}; stderr:\n${r.stderr}`).toBe(0);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

describe('kcat (librdkafka) against the Kafka emulator', () => {
  let emulator: KafkaEmulator;

  beforeEach(async () => {
    emulator = await startKafkaEmulator({ port: 0, defaultPartitions: 3 });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('produces keyed messages, reads them back, and consumes them once per group', { timeout: 90_000 }, async () => {
    expect(kcatInstalled(), 'kcat is not installed: run `apt-get install -y kcat` (Debian package kcat)').toBe(true);
    const b = emulator.brokers;
    const topic = uniqueName('kcat');
    const group = uniqueName('kcat-group');
    const first = Array.from({ length: 200 }, (_, i) => `key-${i}:value-${i}`);
    const more = Array.from({ length: 10 }, (_, i) => `key-${200 + i}:value-${200 + i}`);

    // The topic does not exist yet: the producer's metadata request creates it (3 partitions).
    lines(await kcat(['-P', '-b', b, '-t', topic, '-K:'], `${first.join('\n')}\n`));

    const readBack = lines(await kcat(['-C', '-b', b, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k:%s\n']));
    expect(readBack).toHaveLength(200);
    expect(new Set(readBack)).toEqual(new Set(first));

    const groupArgs = ['-b', b, '-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%k:%s\n', topic];
    const firstRun = lines(await kcat(groupArgs));
    expect(firstRun).toHaveLength(200);
    expect(new Set(firstRun)).toEqual(new Set(first));

    // kcat commits on close; the group's offsets now cover all 200 messages.
    const admin = kafkaClient(b).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(offsets[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(200);
    } finally {
      await admin.disconnect();
    }

    lines(await kcat(['-P', '-b', b, '-t', topic, '-K:'], `${more.join('\n')}\n`));
    const secondRun = lines(await kcat(groupArgs));
    expect(secondRun.sort()).toEqual([...more].sort());
  });
});
