/**
 * Runs the Kafka emulator until SIGINT/SIGTERM:
 *   npm run emulator:kafka -- --port 9092 --partitions 3 [--host 127.0.0.1] [--quiet]
 */
import { startKafkaEmulator } from './index.js';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: emulator:kafka [--port N] [--partitions N] [--host H] [--quiet]\n`);
  process.exit(2);
}

function intArg(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) usage(`${name} needs a non-negative integer`);
  return n;
}

const args = process.argv.slice(2);
let port = 9092;
let partitions = 1;
let host = '127.0.0.1';
let quiet = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--port') port = intArg(arg, args[++i]);
  else if (arg === '--partitions') partitions = intArg(arg, args[++i]);
  else if (arg === '--host') host = args[++i] ?? usage('--host needs a value');
  else if (arg === '--quiet') quiet = true;
  else usage(`unknown argument ${arg}`);
}

const emulator = await startKafkaEmulator({
  port,
  host,
  defaultPartitions: partitions,
  log: quiet ? undefined : (line) => process.stdout.write(`[kafka-emulator] ${line}\n`),
});
process.stdout.write(`kafka emulator ready on ${emulator.brokers}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
