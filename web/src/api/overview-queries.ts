import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getStats, listDeadLetters, replayDeadLetter } from './api-client.js';
import { jobKeys } from './job-queries.js';

/** How often the overview's counts are read again. */
const OVERVIEW_POLL_MS = 5_000;
/** Dead letters the overview shows; the count covers all of them. */
export const DEAD_LETTERS_SHOWN = 10;

const overviewKeys = { stats: ['stats'] as const, deadLetters: ['dead-letters'] as const };

export function useStats() {
  return useQuery({ queryKey: overviewKeys.stats, queryFn: getStats, refetchInterval: OVERVIEW_POLL_MS });
}

export function useDeadLetters() {
  return useQuery({ queryKey: overviewKeys.deadLetters, queryFn: () => listDeadLetters(DEAD_LETTERS_SHOWN), refetchInterval: OVERVIEW_POLL_MS });
}

/** Replays one dead letter; its job then shows in the list and the counts. */
export function useReplayDeadLetter() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => replayDeadLetter(id),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: jobKeys.lists });
      void client.invalidateQueries({ queryKey: overviewKeys.stats });
    },
  });
}
