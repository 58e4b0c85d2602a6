import { useQuery } from '@tanstack/react-query';
import { getFleet } from './api-client.js';

/** How often the fleet view reads the workers and the lag again. */
const FLEET_POLL_MS = 2_000;

export function useFleet() {
  return useQuery({ queryKey: ['fleet'], queryFn: getFleet, refetchInterval: FLEET_POLL_MS });
}
