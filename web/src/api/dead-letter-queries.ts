import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listDeadLetters, purgeDeadLetter, replayDeadLetter } from './api-client.js';
import { jobKeys } from './job-queries.js';
import { overviewKeys } from './overview-queries.js';

/** Dead letters one page of the dead-letter view shows. */
export const DEAD_LETTER_PAGE_SIZE = 50;

const deadLetterKeys = { all: ['dead-letters'] as const, page: (cursor?: string) => ['dead-letters', 'page', cursor ?? null] as const };

/** One page of the dead-letter topic, newest first, each with its handled mark; read again when a job fails (live-events.ts). */
export function useDeadLetterPage(cursor: string | undefined) {
  return useQuery({
    queryKey: deadLetterKeys.page(cursor),
    queryFn: () => listDeadLetters(DEAD_LETTER_PAGE_SIZE, cursor),
    placeholderData: keepPreviousData,
  });
}

function useAfterDeadLetterChange() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: deadLetterKeys.all });
    void client.invalidateQueries({ queryKey: jobKeys.lists });
    void client.invalidateQueries({ queryKey: overviewKeys.stats });
  };
}

/** Replays one dead letter, as it is or corrected; its job then shows in the list and the counts. */
export function useReplayDeadLetter(onReplayed?: () => void) {
  const onSettled = useAfterDeadLetterChange();
  return useMutation({
    mutationFn: ({ id, corrected }: { id: string; corrected?: Record<string, unknown> }) => replayDeadLetter(id, corrected),
    onSuccess: () => onReplayed?.(),
    onSettled,
  });
}

/** Marks dead letters handled, one request each (a purge is one mark; there is no bulk purge route). */
export function usePurgeDeadLetters() {
  const onSettled = useAfterDeadLetterChange();
  return useMutation({
    mutationFn: async (ids: string[]) => {
      for (const id of ids) await purgeDeadLetter(id);
      return ids.length;
    },
    onSettled,
  });
}
