import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../support/closers.js';
import { DEAD_LETTER_HEADERS } from '../../contracts/index.js';
import type { DeliveredRecord, DeliveryHandler, JobConsumer, JobQueue } from '../../core/ports/index.js';
import { deferred, waitFor } from '../support/wait-for.js';
import { uniqueName } from '../support/unique.js';

export interface JobQueueFixture {
  queue: JobQueue;
  /** Partitions each topic gets; the suite needs at least 2. */
  partitions: number;
  cleanup(): Promise<void>;
}

/** The job-queue port's guarantees; every adapter runs this suite. */
export function describeJobQueueConformance(adapter: string, create: () => Promise<JobQueueFixture>): void {
  describe(`job queue conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();

    async function setup() {
      const fixture = await create();
      onCleanup(() => fixture.cleanup());
      const topic = uniqueName('jobs.test');
      const dlq = uniqueName('jobs.dlq');
      await fixture.queue.ensureTopics([topic, dlq]);
      const consumer = (groupId: string, handler: DeliveryHandler, topics = [topic]): JobConsumer => {
        const c = fixture.queue.createConsumer({ groupId, topics, handler, concurrency: 4, deadLetterTopic: dlq });
        onCleanup(() => c.close({ drainTimeoutMs: 0 }));
        return c;
      };
      const publish = (key: string, value: string, headers: Record<string, string> = {}) =>
        fixture.queue.publish({ topic, key, value: Buffer.from(value), headers });
      return { ...fixture, topic, dlq, consumer, publish };
    }

    it('delivers published records with key, value and headers, and commits them', async () => {
      const { publish, consumer } = await setup();
      const group = uniqueName('group');
      const seen: DeliveredRecord[] = [];
      const first = consumer(group, async (record) => {
        seen.push(record);
        return { kind: 'done' };
      });
      await first.start();
      for (let i = 0; i < 10; i++) await publish(`key-${i}`, `value-${i}`, { 'content-type': 'application/json', n: String(i) });
      await waitFor(() => (seen.length >= 10 ? true : undefined), { what: '10 records' });
      expect(seen.map((r) => r.value.toString()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `value-${i}`).sort());
      const five = seen.find((r) => r.key === 'key-5')!;
      expect(five.headers).toMatchObject({ 'content-type': 'application/json', n: '5' });
      await first.close();

      const again: DeliveredRecord[] = [];
      const second = consumer(group, async (record) => {
        again.push(record);
        return { kind: 'done' };
      });
      await second.start();
      // Same keys, so same partitions: a redelivered old record would arrive before these.
      for (let i = 0; i < 10; i++) await publish(`key-${i}`, `after-${i}`);
      await waitFor(() => (again.length >= 10 ? true : undefined), { what: 'the new records' });
      expect(again.map((r) => r.value.toString()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `after-${i}`).sort());
    });

    it('keeps the order of records with the same key', async () => {
      const { publish, consumer } = await setup();
      const order: string[] = [];
      const c = consumer(uniqueName('group'), async (record) => {
        order.push(record.value.toString());
        return { kind: 'done' };
      });
      await c.start();
      for (let i = 0; i < 20; i++) await publish('same-key', String(i));
      await waitFor(() => (order.length === 20 ? true : undefined), { what: '20 records' });
      expect(order).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    });

    it('redelivers a record whose handler rejected', async () => {
      const { publish, consumer } = await setup();
      let attempts = 0;
      const c = consumer(uniqueName('group'), async () => {
        attempts += 1;
        if (attempts < 3) throw new Error('store down');
        return { kind: 'done' };
      });
      await c.start();
      await publish('k', 'retry me');
      await waitFor(() => (attempts >= 3 ? true : undefined), { what: 'three attempts' });
      expect(attempts).toBe(3);
    });

    it('redelivers uncommitted work to the next member after one dies mid-job', async () => {
      const { publish, consumer } = await setup();
      const group = uniqueName('group');
      const stuck = deferred<void>();
      const started = deferred<void>();
      const first = consumer(group, async () => {
        started.resolve();
        await stuck.promise;
        return { kind: 'done' };
      });
      await first.start();
      await publish('k', 'in flight when the member died');
      await started.promise;
      expect(first.inFlight()).toBe(1);
      await first.close({ drainTimeoutMs: 0 });

      const redelivered: string[] = [];
      const second = consumer(group, async (record) => {
        redelivered.push(record.value.toString());
        return { kind: 'done' };
      });
      await second.start();
      await waitFor(() => (redelivered.length > 0 ? true : undefined), { what: 'redelivery' });
      expect(redelivered).toEqual(['in flight when the member died']);
      stuck.resolve();
    });

    it('lets in-flight work finish and commit when closing with a drain timeout', async () => {
      const { publish, consumer } = await setup();
      const group = uniqueName('group');
      const release = deferred<void>();
      const started = deferred<void>();
      let finished = 0;
      const first = consumer(group, async () => {
        started.resolve();
        await release.promise;
        finished += 1;
        return { kind: 'done' };
      });
      await first.start();
      await publish('k', 'finishes during drain');
      await started.promise;
      const closing = first.close({ drainTimeoutMs: 10_000 });
      release.resolve();
      await closing;
      expect(finished).toBe(1);

      const later: string[] = [];
      const second = consumer(group, async (record) => {
        later.push(record.value.toString());
        return { kind: 'done' };
      });
      await second.start();
      await publish('k', 'next');
      await waitFor(() => (later.length > 0 ? true : undefined), { what: 'the next record' });
      expect(later).toEqual(['next']);
    });

    it('dead-letters a record with the reason and does not deliver it again', async () => {
      const { publish, consumer, dlq } = await setup();
      let deliveries = 0;
      const c = consumer(uniqueName('group'), async (record) => {
        deliveries += 1;
        return record.value.toString() === 'poison' ? { kind: 'dead-letter', reason: 'job_id: is required' } : { kind: 'done' };
      });
      await c.start();
      const dead: DeliveredRecord[] = [];
      const watcher = consumer(uniqueName('dlq-watch'), async (record) => {
        dead.push(record);
        return { kind: 'done' };
      }, [dlq]);
      await watcher.start();
      await publish('bad', 'poison', { 'content-type': 'application/json' });
      await publish('good', 'fine');
      await waitFor(() => (dead.length > 0 && deliveries >= 2 ? true : undefined), { what: 'dead letter' });
      expect(dead[0]!.value.toString()).toBe('poison');
      expect(dead[0]!.headers[DEAD_LETTER_HEADERS.reason]).toBe('job_id: is required');
      expect(dead[0]!.headers['content-type']).toBe('application/json');
      expect(deliveries).toBe(2);
    });

    it('reports the lag of its partitions: uncommitted records, down to 0 once handled', async () => {
      const { publish, consumer, topic } = await setup();
      const release = deferred<void>();
      const started = deferred<void>();
      let handled = 0;
      const c = consumer(uniqueName('group'), async () => {
        started.resolve();
        await release.promise;
        handled += 1;
        return { kind: 'done' };
      });
      expect(typeof c.lag).toBe('function');
      await c.start();
      for (let i = 0; i < 5; i++) await publish('one-partition', `r${i}`);
      await started.promise;
      const totalLag = async () => (await c.lag!()).filter((l) => l.topic === topic).reduce((sum, l) => sum + l.lag, 0);
      expect(await waitFor(async () => ((await totalLag()) === 5 ? 5 : undefined), { what: 'lag of 5' })).toBe(5);
      release.resolve();
      await waitFor(() => (handled === 5 ? true : undefined), { what: 'five records handled' });
      await waitFor(async () => ((await totalLag()) === 0 ? true : undefined), { what: 'lag back to 0' });
    });

    it('shares partitions between two members of a group and rebalances when one leaves', async () => {
      const { publish, consumer, partitions } = await setup();
      expect(partitions).toBeGreaterThanOrEqual(2);
      const group = uniqueName('group');
      const byMember: Record<'a' | 'b', Set<number>> = { a: new Set(), b: new Set() };
      const processed = new Map<string, number>();
      const handlerFor = (member: 'a' | 'b'): DeliveryHandler => async (record) => {
        byMember[member].add(record.partition);
        processed.set(record.value.toString(), (processed.get(record.value.toString()) ?? 0) + 1);
        return { kind: 'done' };
      };
      const a = consumer(group, handlerFor('a'));
      const b = consumer(group, handlerFor('b'));
      await a.start();
      await b.start();
      await waitFor(() => (a.ready() && b.ready() ? true : undefined), { what: 'both members ready' });
      const keys = Array.from({ length: 60 }, (_, i) => `spread-${i}`);
      for (const key of keys) await publish(key, key);
      await waitFor(() => (processed.size === keys.length ? true : undefined), { what: 'all 60 records', timeoutMs: 20_000 });
      expect(byMember.a.size).toBeGreaterThan(0);
      expect(byMember.b.size).toBeGreaterThan(0);
      expect([...byMember.a].filter((p) => byMember.b.has(p))).toEqual([]);
      expect([...processed.values()].every((n) => n === 1)).toBe(true);

      await a.close();
      byMember.b.clear();
      const more = Array.from({ length: 60 }, (_, i) => `after-leave-${i}`);
      for (const key of more) await publish(key, key);
      await waitFor(() => (more.every((k) => processed.has(k)) ? true : undefined), { what: 'records after rebalance', timeoutMs: 20_000 });
      expect(byMember.b.size).toBe(partitions);
    });
  });
}
