/**
 * JobRunGate on the in-memory leases: a lease left by a worker that died never keeps a job from
 * running (it runs once the lease expires), and a record whose worker lets go of it while it
 * waits is not run (it comes again later).
 */
import { describe, expect, it } from 'vitest';
import { MemoryJobLeases } from '../../adapters/memory/index.js';
import { JobRunGate, type RunningIn } from '../../worker/job-run-gate.js';

describe('job run gate', () => {
  it('runs a job whose lease a dead worker left, once that lease expires', async () => {
    const leases = new MemoryJobLeases();
    const waits: Array<[RunningIn, boolean]> = [];
    const gate = new JobRunGate({ leases, holder: 'live-worker', retryEveryMs: 20, events: { onWaiting: (where, waiting) => waits.push([where, waiting]) } });
    expect(await leases.acquire('job-1', 'dead-worker', 300)).toBe(true);
    let runs = 0;
    await gate.run('job-1', new AbortController().signal, async () => {
      runs += 1;
      // The running job holds the lease; nobody else can take it.
      expect(await leases.acquire('job-1', 'another-worker', 60_000)).toBe(false);
    });
    expect(runs).toBe(1);
    expect(waits).toEqual([
      ['other_worker', true],
      ['other_worker', false],
    ]);
    // Released at the end.
    expect(await leases.acquire('job-1', 'another-worker', 60_000)).toBe(true);
    await leases.close();
  });

  it('gives up a wait when its signal fires, without running the job', async () => {
    const leases = new MemoryJobLeases();
    const gate = new JobRunGate({ leases, holder: 'worker', retryEveryMs: 20 });
    await leases.acquire('job-2', 'other-worker', 60_000);
    const abandon = new AbortController();
    let runs = 0;
    const waiting = gate.run('job-2', abandon.signal, async () => void (runs += 1));
    abandon.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    expect(runs).toBe(0);
    await leases.close();
  });
});
