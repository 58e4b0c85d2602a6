import { useQuery } from '@tanstack/react-query';
import { getFleet } from './api-client.js';

/**
 * How often the fleet view reads the workers and the lag again. The one view that still
 * refreshes on a timer: workers' heartbeats and the consumer group's lag come from Kafka, and no
 * job event carries them (a worker joining or leaving makes none). Job events also have it read
 * again (live-events.ts), since a submitted or finished job moves the lag.
 */
const FLEET_POLL_MS = 10_000;

export const fleetKeys = { all: ['fleet'] as const };

export function useFleet() {
  return useQuery({ queryKey: fleetKeys.all, queryFn: getFleet, refetchInterval: FLEET_POLL_MS });
}
