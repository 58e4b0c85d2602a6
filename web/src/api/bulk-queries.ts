import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getBulkOperation, startBulk, type BulkKind, type BulkTarget } from './bulk-client.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { jobKeys } from './job-queries.js';
import { LIVE_POLL_MS } from './query-client.js';

const bulkKeys = { operation: (operationId: string) => ['bulk', operationId] as const };

/** Starts a bulk action; each start has its own key, so a retried request is the same operation. */
export function useStartBulk() {
  return useMutation({
    mutationFn: ({ kind, target }: { kind: BulkKind; target: BulkTarget }) => startBulk(kind, target, newIdempotencyKey()),
  });
}

/** An operation's progress, polled until it is finished or interrupted; the jobs list and the dead letters are read again then. */
export function useBulkOperation(operationId: string | undefined) {
  const client = useQueryClient();
  return useQuery({
    queryKey: bulkKeys.operation(operationId ?? ''),
    enabled: Boolean(operationId),
    queryFn: async () => {
      const operation = await getBulkOperation(operationId!);
      void client.invalidateQueries({ queryKey: jobKeys.lists });
      void client.invalidateQueries({ queryKey: ['dead-letters'] });
      void client.invalidateQueries({ queryKey: ['stats'] });
      return operation;
    },
    refetchInterval: (query) => (query.state.data && query.state.data.state !== 'running' ? false : LIVE_POLL_MS),
  });
}
