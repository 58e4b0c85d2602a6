/**
 * Clients that are not dtq's (and not kafkajs) reading what dtq wrote to a topic: kcat
 * (librdkafka, Debian package `kcat`) and kafka-python (PyPI `kafka-python`, run by the `python3`
 * on PATH). A missing client fails the test with the command that installs it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

const KAFKA_PYTHON_SCRIPT = fileURLToPath(new URL('../e2e/kafka_python_read_topic.py', import.meta.url));
const TIMEOUT_MS = 90_000;

function run(command: string, args: string[], install: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed (${install}): ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Every record of `topic`, from the beginning to its current end, as kcat's JSON envelope tells. */
export async function readWithKcat(broker: string, topic: string): Promise<ReadRecord[]> {
  const stdout = await run('kcat', ['-C', '-b', broker, '-t', topic, '-o', 'beginning', '-e', '-q', '-J'], 'is kcat installed? apt-get install -y kcat');
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const entry = JSON.parse(line) as { partition: number; offset: number; key: string | null; payload: string | null; headers?: string[] };
      const headers: Record<string, string> = {};
      // kcat lists headers as [name, value, name, value, ...].
      for (let i = 0; i + 1 < (entry.headers ?? []).length; i += 2) headers[entry.headers![i]!] = entry.headers![i + 1]!;
      return { partition: entry.partition, offset: String(entry.offset), key: entry.key, value: entry.payload ?? '', headers };
    });
}

/** Every record of `topic`, from the beginning to its current end, as kafka-python reads them. */
export async function readWithKafkaPython(broker: string, topic: string): Promise<ReadRecord[]> {
  const stdout = await run('python3', [KAFKA_PYTHON_SCRIPT, broker, topic], 'is kafka-python installed? python3 -m pip install kafka-python==3.0.12');
  const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const summary = lines.pop() as { records?: number } | undefined;
  if (summary?.records !== lines.length) throw new Error(`kafka_python_read_topic.py printed no summary matching its records:\n${stdout}`);
  return lines.map((r) => ({ ...(r as Omit<ReadRecord, 'offset'>), offset: String(r.offset) }));
}
