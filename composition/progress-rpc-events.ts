import type { Counter } from 'prom-client';
import type { ProgressConnectionEvents } from '../core/ports/index.js';

/** Counts a progress RPC endpoint's connection changes on a counter labelled by `event`. */
export function countConnectionEvents(counter: Counter<'event'>): Required<ProgressConnectionEvents> {
  return {
    onConnect: ({ reconnect }) => counter.inc({ event: reconnect ? 'reconnected' : 'connected' }),
    onDisconnect: () => counter.inc({ event: 'disconnected' }),
  };
}
