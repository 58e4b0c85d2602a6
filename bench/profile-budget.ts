// Where a process's busy time went, by function group, from a V8 .cpuprofile (node --cpu-prof):
//   npx tsx bench/profile-budget.ts <file.cpuprofile> [µs CPU per unit] [--from <function>] [--detail <group words>]
//   npx tsx bench/profile-budget.ts <file.cpuprofile> --under <function> --count <units>
// Each sample is charged to the first frame, from the leaf up, that belongs to a group (node's
// socket and stream frames called by a client library count as that library's): a native
// write called by ioredis is Redis's, zod called by our contracts is validation. Samples taken
// while modules load (start-up), idle samples, and with --from every sample before the first one
// with that function on its stack (the connects and index builds before the load) are left out. Given the process's CPU per unit
// (per submit, job or status answer, as `npm run bench` reports it from /proc), each group's
// share is also shown as microseconds of that unit. With --under, only samples with that function
// on their stack count (one path's own work, e.g. the worker's `answer` to a status request), and
// --count divides the sampled time by the units that path handled.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Checked in order against a frame's url (or, for natives, its function name). */
const GROUPS: Array<[group: string, pattern: RegExp]> = [
  ['logging (pino, log field scrubbing)', /node_modules\/(pino|sonic-boom|pino-std-serializers|fast-redact|thread-stream)\/|\/telemetry\/logger/],
  ['tracing and metrics', /node_modules\/(@opentelemetry|prom-client|tdigest|bintrees)\/|\/telemetry\//],
  ['validation (zod, contracts)', /node_modules\/zod\/|\/contracts\/|\/jobs\/[^/]+\/contract/],
  ['Redis (ioredis, adapter)', /node_modules\/(ioredis|@ioredis|redis-parser|redis-errors|denque|cluster-key-slot)\/|\/adapters\/redis\//],
  ['Kafka (kafkajs, adapter)', /node_modules\/kafkajs\/|\/adapters\/kafka\//],
  ['RabbitMQ (amqplib, adapter)', /node_modules\/(amqplib|@acuminous|buffer-more-ints)\/|\/adapters\/rabbitmq\//],
  ['MongoDB (driver, BSON, adapter)', /node_modules\/(mongodb|bson|mongodb-connection-string-url|@mongodb-js)\/|\/adapters\/mongodb\//],
  ['Functions model (HttpRequest, undici)', /node_modules\/(@azure\/functions|undici)\/|node:internal\/deps\/undici|node:internal\/webstreams|\/functions\//],
  ['HTTP host and routes (ours)', /\/composition\/node-http\/|\/api\//],
  ['domain, worker loop, job handlers (ours)', /\/core\/|\/worker\/|\/jobs\/|\/adapters\/|\/composition\/|\/testkit\//],
  ['node:http, sockets, streams', /node:(_http_|http|net|internal\/streams|stream|internal\/stream_base|internal\/http)/],
];

const TRANSPORT = 'node:http, sockets, streams';
/** Groups whose socket writes are theirs, not HTTP's. */
const CLIENT_LIBRARIES = new Set(['logging (pino, log field scrubbing)', 'Redis (ioredis, adapter)', 'Kafka (kafkajs, adapter)', 'RabbitMQ (amqplib, adapter)', 'MongoDB (driver, BSON, adapter)']);

const [file, perUnitArg] = process.argv.slice(2);
const option = (name: string) => (process.argv.indexOf(name) > 0 ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const from = option('--from');
const under = option('--under');
const count = option('--count') === undefined ? undefined : Number(option('--count'));
if (!file) {
  process.stderr.write('usage: tsx bench/profile-budget.ts <file.cpuprofile> [µs CPU per unit]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

const STARTUP = /node:internal\/modules\/|node:internal\/bootstrap|node:internal\/main\//;
const groupOf = new Map<number, string>();
function classify(id: number): string {
  const known = groupOf.get(id);
  if (known) return known;
  const frame = byId.get(id)!.callFrame;
  let group: string | undefined;
  if (frame.functionName === '(garbage collector)') group = 'garbage collector';
  else if (frame.functionName === '(idle)') group = 'idle';
  else if (frame.functionName === '(program)') group = 'V8 and libuv (program)';
  else if (STARTUP.test(frame.url)) group = 'start-up';
  if (!group) {
    const above = parent.get(id);
    const aboveGroup = above === undefined ? undefined : classify(above);
    // Start-up wins from anywhere on the stack; otherwise the frame nearest the leaf decides.
    const own = GROUPS.find(([, pattern]) => pattern.test(frame.url))?.[0];
    if (aboveGroup === 'start-up') group = aboveGroup;
    // A socket or stream frame called by a client library is that library's I/O: node's frames
    // sit nearer the leaf than ioredis's own when ioredis writes, and were charged to HTTP.
    else if (own === TRANSPORT && aboveGroup !== undefined && CLIENT_LIBRARIES.has(aboveGroup)) group = aboveGroup;
    else group = own ?? aboveGroup ?? 'other (JSON, buffers, timers, natives)';
  }
  groupOf.set(id, group);
  return group;
}

function onStack(id: number | undefined, functionName: string): boolean {
  for (; id !== undefined; id = parent.get(id)) if (byId.get(id)!.callFrame.functionName === functionName) return true;
  return false;
}
let counting = from === undefined;
const counted = profile.samples.map((id) => (counting ||= onStack(id, from!)) && (under === undefined || onStack(id, under)));

const us = new Map<string, number>();
profile.samples.forEach((id, index) => {
  if (!counted[index]) return;
  const group = classify(id);
  us.set(group, (us.get(group) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const leftOut = ['idle', 'start-up'];
const busy = [...us.entries()].filter(([group]) => !leftOut.includes(group));
const busyUs = busy.reduce((sum, [, value]) => sum + value, 0);
const perUnit = perUnitArg && !perUnitArg.startsWith('--') ? Number(perUnitArg) : undefined;
process.stdout.write(`busy ${(busyUs / 1000).toFixed(0)} ms sampled (start-up ${((us.get('start-up') ?? 0) / 1000).toFixed(0)} ms left out)\n`);
if (count !== undefined) process.stdout.write(`${(busyUs / count).toFixed(1)} µs sampled per unit (${count} units)\n`);
for (const [group, value] of busy.sort((a, b) => b[1] - a[1])) {
  const share = value / busyUs;
  const unit =
    count !== undefined ? `  ${(value / count).toFixed(1).padStart(6)} µs` : perUnit === undefined ? '' : `  ${(share * perUnit).toFixed(0).padStart(5)} µs`;
  process.stdout.write(`${(share * 100).toFixed(1).padStart(5)}%${unit}  ${group}\n`);
}

// --detail <words>: the functions with the most self time inside the groups whose name has them.
const wanted = option('--detail');
if (wanted !== undefined) {
  const self = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    if (!counted[index] || !classify(id).includes(wanted)) return;
    const frame = byId.get(id)!.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|dist)\//, '')}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  for (const [name, value] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    process.stdout.write(`${((value / busyUs) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
  }
}
