import type { BulkOutcome } from '../../contracts/index.js';
import type {
  BulkItemOutcome,
  BulkOperationPatch,
  BulkOperationStore,
  BulkTarget,
  StoredBulkItem,
  StoredBulkOperation,
} from '../../core/ports/index.js';

/** Bulk operations in process memory: they end with the process, as every in-memory adapter's data does. */
export class MemoryBulkOperationStore implements BulkOperationStore {
  private readonly operations = new Map<string, StoredBulkOperation>();
  private readonly targets = new Map<string, StoredBulkItem[]>();

  async create(operation: StoredBulkOperation): Promise<boolean> {
    if (this.operations.has(operation.operation_id)) return false;
    this.operations.set(operation.operation_id, structuredClone(operation));
    return true;
  }

  async get(operationId: string): Promise<StoredBulkOperation | undefined> {
    const found = this.operations.get(operationId);
    return found ? structuredClone(found) : undefined;
  }

  async putTargets(operationId: string, targets: BulkTarget[]): Promise<void> {
    this.targets.set(operationId, targets.map((target) => ({ ...target, outcome: 'pending' })));
  }

  async update(operationId: string, patch: BulkOperationPatch, ifHeartbeatAt?: string): Promise<boolean> {
    const found = this.operations.get(operationId);
    if (!found || (ifHeartbeatAt !== undefined && found.heartbeat_at !== ifHeartbeatAt)) return false;
    Object.assign(found, patch);
    return true;
  }

  async items(operationId: string, page: { afterSeq?: number; limit: number; pendingOnly?: boolean }): Promise<StoredBulkItem[]> {
    const all = this.targets.get(operationId) ?? [];
    return all
      .filter((item) => item.seq > (page.afterSeq ?? -1) && (!page.pendingOnly || item.outcome === 'pending'))
      .slice(0, page.limit)
      .map((item) => ({ ...item }));
  }

  async recordOutcome(operationId: string, seq: number, outcome: BulkItemOutcome): Promise<void> {
    const item = this.targets.get(operationId)?.find((candidate) => candidate.seq === seq);
    if (item) Object.assign(item, outcome);
  }

  async countOutcomes(operationId: string): Promise<Partial<Record<BulkOutcome, number>>> {
    const counts: Partial<Record<BulkOutcome, number>> = {};
    for (const item of this.targets.get(operationId) ?? []) counts[item.outcome] = (counts[item.outcome] ?? 0) + 1;
    return counts;
  }

  async close(): Promise<void> {}
}
