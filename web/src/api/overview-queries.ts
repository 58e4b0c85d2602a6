import { useQuery } from '@tanstack/react-query';
import { getStats, listDeadLetters } from './api-client.js';

export const overviewKeys = { stats: ['stats'] as const, deadLetterCount: ['dead-letters', 'count'] as const };

/** The counts; read again when job events arrive (live-events.ts), not on a timer. */
export function useStats() {
  return useQuery({ queryKey: overviewKeys.stats, queryFn: getStats });
}

/** How many dead letters there are and how many of them were dealt with (the newest one read only). */
export function useDeadLetterCount() {
  return useQuery({
    queryKey: overviewKeys.deadLetterCount,
    queryFn: async () => {
      const page = await listDeadLetters(1);
      return { total: page.total, waiting: page.total - (page.handled ?? 0) };
    },
  });
}
