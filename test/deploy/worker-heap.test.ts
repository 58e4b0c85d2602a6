// The worker image bounds node's heap (NODE_OPTIONS), so its resident memory is set by
// configuration rather than by the machine it lands on: the flags must be ones node accepts in
// NODE_OPTIONS and takes effect with, and the heap they allow must fit the container's limit.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageNodeOptions } from '../../testkit/image-node-options.js';
import { REPO_ROOT } from '../support/processes.js';

const MIB = 1024 * 1024;
const options = imageNodeOptions();
const flag = (name: string) => Number(new RegExp(`--${name}=(\\d+)`).exec(options)?.[1]);

/** `512Mi`, `1Gi`, `536870912`: bytes. */
function quantityBytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)?$/.exec(quantity.trim());
  if (!match) throw new Error(`unreadable memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 * MIB : match[2] === 'Mi' ? MIB : 1);
}

describe('the worker image heap settings', () => {
  it('cap old space and the young semi-spaces', () => {
    expect(flag('max-old-space-size')).toBeGreaterThan(0);
    expect(flag('max-semi-space-size')).toBeGreaterThan(0);
  });

  it('are accepted by node from NODE_OPTIONS and set its heap limit', () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))'], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: options },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const limitMib = Number(child.stdout) / MIB;
    // V8's limit is old space plus the young generation (three semi-spaces): nowhere near its
    // default, sized from this machine's memory.
    expect(limitMib).toBeGreaterThanOrEqual(flag('max-old-space-size'));
    expect(limitMib).toBeLessThanOrEqual(flag('max-old-space-size') + 3 * flag('max-semi-space-size') + 8);
  });

  it('leave room in the deployment memory limit for code, buffers and native memory', () => {
    const manifest = readFileSync(join(REPO_ROOT, 'k8s/base/worker/deployment.yaml'), 'utf8');
    const limit = /limits:\s*\n\s*memory:\s*(\S+)/.exec(manifest)?.[1];
    expect(limit, 'the worker container memory limit').toBeDefined();
    expect(manifest, 'the deployment leaves NODE_OPTIONS to the image').not.toMatch(/NODE_OPTIONS/);
    const heapBytes = (flag('max-old-space-size') + 3 * flag('max-semi-space-size')) * MIB;
    // About 100 MiB beside the heap: code, libraries (sharp's libvips when a thumbnail job runs), sockets.
    expect(heapBytes + 128 * MIB).toBeLessThanOrEqual(quantityBytes(limit!));
  });
});
