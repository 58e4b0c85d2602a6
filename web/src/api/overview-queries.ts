import { useQuery } from '@tanstack/react-query';
import { getStats, listDeadLetters } from './api-client.js';

/** How often the overview's counts are read again. */
const OVERVIEW_POLL_MS = 5_000;

export const overviewKeys = { stats: ['stats'] as const, deadLetterCount: ['dead-letters', 'count'] as const };

export function useStats() {
  return useQuery({ queryKey: overviewKeys.stats, queryFn: getStats, refetchInterval: OVERVIEW_POLL_MS });
}

/** How many dead letters there are and how many of them were dealt with (the newest one read only). */
export function useDeadLetterCount() {
  return useQuery({
    queryKey: overviewKeys.deadLetterCount,
    queryFn: async () => {
      const page = await listDeadLetters(1);
      return { total: page.total, waiting: page.total - (page.handled ?? 0) };
    },
    refetchInterval: OVERVIEW_POLL_MS,
  });
}
