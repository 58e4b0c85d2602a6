/**
 * Open-loop load: `requests` calls started at a fixed arrival rate whatever the answers do, each
 * timed from the moment it was due, not from when it was sent. A closed loop (or autocannon's
 * rate limit, which still waits for answers) hides a slow phase by sending less during it; here
 * a stall makes every call that was due meanwhile late, as it is for real clients.
 * Hand-written because autocannon, our load tool, has no open-loop mode.
 */
export async function openLoop(options: {
  ratePerSecond: number;
  requests: number;
  call: (index: number) => Promise<void>;
}): Promise<{ latenciesMs: Float64Array; wallMs: number; failures: number; firstFailure?: unknown }> {
  const latencies = new Float64Array(options.requests);
  const intervalMs = 1000 / options.ratePerSecond;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  let failures = 0;
  let firstFailure: unknown;
  let next = 0;
  const fire = (index: number, dueAt: number) =>
    options.call(index).then(
      () => {
        latencies[index] = performance.now() - dueAt;
      },
      (error: unknown) => {
        failures++;
        firstFailure ??= error;
        latencies[index] = performance.now() - dueAt;
      },
    );
  while (next < options.requests) {
    const now = performance.now();
    // Everything due by now goes out in this turn, so a late timer does not thin the arrivals.
    while (next < options.requests && started + next * intervalMs <= now) {
      pending.push(fire(next, started + next * intervalMs));
      next++;
    }
    const wait = started + next * intervalMs - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.floor(wait))));
  }
  await Promise.all(pending);
  return { latenciesMs: latencies, wallMs: performance.now() - started, failures, firstFailure };
}
