/** The `npm run emulator:kafka` entry point: starts, serves, stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { enc, RawKafkaClient } from './raw-client.js';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const mainTs = fileURLToPath(new URL('../../../scripts/emulators/kafka/main.ts', import.meta.url));

describe('Kafka emulator CLI', () => {
  it('listens on the requested port, answers requests and exits cleanly on SIGTERM', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, [tsxCli, mainTs, '--port', '0', '--partitions', '2', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    try {
      const brokers = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /ready on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        void exited.then((code) => reject(new Error(`CLI exited early with ${code}: ${out}`)));
      });
      const [host, port] = brokers.split(':');
      const client = await RawKafkaClient.connect(host!, Number(port));
      const response = await client.call(18, 0, Buffer.alloc(0));
      expect(response.int16()).toBe(0);
      // Metadata v1 for a new topic: auto-created with the --partitions count.
      const meta = await client.call(3, 1, enc.array(['cli-topic'], enc.str));
      meta.array((c) => [c.int32(), c.str(), c.int32(), c.str()]);
      meta.int32(); // controller
      const [topic] = meta.array((c) => ({ error: c.int16(), name: c.str(), internal: c.int8(), partitions: c.int32() }));
      expect(topic).toMatchObject({ error: 0, name: 'cli-topic', partitions: 2 });
      client.close();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});
