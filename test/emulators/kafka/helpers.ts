/** Shared helpers for the Kafka emulator tests. */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** Unique per process and call, so the suite can run twice at once against separate emulators. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Polls `check` until it returns true; throws with `what` if the deadline passes first. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function kafkaClient(brokers: string, clientId = 'dtq-emulator-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 8 },
  });
}

/** Consumer settings that keep rebalances quick: short fetch long-polls and frequent heartbeats. */
export const fastConsumer = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 100,
  maxWaitTimeInMs: 100,
} as const;
