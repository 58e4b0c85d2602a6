// Prints the functions with the most self time in a V8 .cpuprofile (from node --cpu-prof):
//   npx tsx bench/top-self-time.ts bench/results/profiles/submit-dtq.cpuprofile [count]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_ROOT } from './lib/processes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, countArg, mode] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/top-self-time.ts <file.cpuprofile> [count] [--by-package]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  totalUs += delta;
  const frame = byId.get(id)!.callFrame;
  const where = frame.url ? `${relative(REPO_ROOT, frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}` : '';
  const name = mode === '--by-package' ? packageOf(where, frame.functionName) : `${frame.functionName || '(anonymous)'} ${where}`.trim();
  selfUs.set(name, (selfUs.get(name) ?? 0) + delta);
});
/** node_modules/<package>, the first folders of our own code, or the function for natives. */
function packageOf(where: string, functionName: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (pkg) return pkg[1]!;
  if (where.startsWith('node:')) return where.split(':')[1]!.split('/').slice(0, 2).join('/');
  if (where === '') return functionName || '(native)';
  return where.split('/').slice(0, where.startsWith('dist/') ? 3 : 2).join('/');
}

const idle = ['(idle)', '(program)', '(garbage collector)'];
const rows = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 30));
process.stdout.write(`total ${(totalUs / 1000).toFixed(0)} ms sampled\n`);
for (const [name, us] of rows) {
  const pct = ((us / totalUs) * 100).toFixed(1).padStart(5);
  process.stdout.write(`${pct}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${idle.includes(name) ? name.toUpperCase() : name}\n`);
}
