import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../support/closers.js';
import { DEAD_LETTER_COPY_HEADERS, DEFAULT_MAX_RECORD_BYTES, recordBytes } from '../../adapters/shared/record-settlement.js';
import { DEAD_LETTER_HEADERS } from '../../contracts/index.js';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import type { ConsumerOptions, DeliveredRecord, DeliveryHandler, HandlerFailure, JobConsumer, JobQueue } from '../../core/ports/index.js';
import { deferred, waitFor } from '../support/wait-for.js';
import { uniqueName } from '../support/unique.js';

export interface JobQueueFixture {
  queue: JobQueue;
  /** Partitions each topic gets; the suite needs at least 2. */
  partitions: number;
  /** The most records of `recordBytes` each a member may hold fetched and unstarted, whatever the backlog. */
  bufferBound(recordBytes: number): number;
  cleanup(): Promise<void>;
}

type ConsumerExtras = Partial<Pick<ConsumerOptions, 'concurrency' | 'handlerAttempts' | 'onAttemptsExhausted'>>;

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
      const consumer = (groupId: string, handler: DeliveryHandler, topics = [topic], extras: ConsumerExtras = {}): JobConsumer => {
        const c = fixture.queue.createConsumer({ groupId, topics, handler, concurrency: 4, deadLetterTopic: dlq, ...extras });
        onCleanup(() => c.close({ drainTimeoutMs: 0 }));
        return c;
      };
      const publish = (key: string, value: string | Buffer, headers: Record<string, string> = {}) =>
        fixture.queue.publish({ topic, key, value: Buffer.isBuffer(value) ? value : Buffer.from(value), headers });
      /** A member of `group` that handles every record at once and keeps their values. */
      const recorder = (group: string) => {
        const seen: string[] = [];
        const member = consumer(group, async (record) => {
          seen.push(record.value.toString());
          return { kind: 'done' };
        });
        return { member, seen };
      };
      /** A member of its own group reading the dead-letter topic. */
      const deadLetters = async () => {
        const dead: DeliveredRecord[] = [];
        await consumer(uniqueName('dlq-watch'), async (record) => {
          dead.push(record);
          return { kind: 'done' };
        }, [dlq]).start();
        return dead;
      };
      /** Records the group has not committed on the partitions `c` owns. */
      const lagOf = async (c: JobConsumer) => (await c.lag!()).filter((l) => l.topic === topic).reduce((sum, l) => sum + l.lag, 0);
      /** A fresh member of `group`: once it has caught up, what it was handled besides `marker`. */
      const leftOver = async (group: string) => {
        const { member: last, seen } = recorder(group);
        await last.start();
        await publish('marker', 'marker');
        await waitFor(async () => (seen.includes('marker') && (await lagOf(last)) === 0 && last.inFlight() === 0 ? true : undefined), {
          what: 'the fresh member to catch up',
          timeoutMs: 20_000,
        });
        return seen.filter((value) => value !== 'marker');
      };
      return { ...fixture, topic, dlq, consumer, recorder, publish, deadLetters, lagOf, leftOver };
    }

    /** Handlers that wait until the test releases them, one gate per record. */
    function gates() {
      const held = new Map<string, () => void>();
      let running = 0;
      let mostRunning = 0;
      const started: string[] = [];
      const finished: string[] = [];
      const handler: DeliveryHandler = async (record) => {
        const value = record.value.toString();
        started.push(value);
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        const gate = deferred<void>();
        held.set(value, gate.resolve);
        await gate.promise;
        running -= 1;
        finished.push(value);
        return { kind: 'done' };
      };
      const release = (value: string) => {
        const open = held.get(value);
        held.delete(value);
        open?.();
      };
      return {
        handler,
        held,
        started,
        finished,
        release,
        releaseAll: () => [...held.keys()].forEach(release),
        get running() {
          return running;
        },
        get mostRunning() {
          return mostRunning;
        },
      };
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

    it('runs more records at once than the topic has partitions, several of one partition side by side', async () => {
      const { publish, consumer, partitions, lagOf } = await setup();
      const concurrency = partitions + 5;
      const g = gates();
      const c = consumer(uniqueName('group'), g.handler, undefined, { concurrency });
      await c.start();
      // One key, so one partition: every record past the first runs beside others of its partition.
      for (let i = 0; i < concurrency + 4; i++) await publish('one-partition', `r${i}`);
      await waitFor(() => (g.started.length === concurrency ? true : undefined), { what: `${concurrency} handlers running at once` });
      expect(g.running).toBe(concurrency);
      expect(c.inFlight()).toBe(concurrency);
      while (g.finished.length < concurrency + 4) {
        g.releaseAll();
        await waitFor(() => (g.held.size > 0 || g.finished.length === concurrency + 4 ? true : undefined), { what: 'the next records' });
      }
      expect(g.mostRunning).toBe(concurrency);
      await waitFor(async () => ((await lagOf(c)) === 0 ? true : undefined), { what: 'everything committed' });
    });

    it('completes records out of order and then commits the partition to its end', async () => {
      const { publish, consumer, lagOf, leftOver } = await setup();
      const group = uniqueName('group');
      const g = gates();
      const c = consumer(group, g.handler, undefined, { concurrency: 8 });
      await c.start();
      const values = Array.from({ length: 6 }, (_, i) => `r${i}`);
      for (const value of values) await publish('one-partition', value);
      await waitFor(() => (g.held.size === 6 ? true : undefined), { what: 'six records of one partition running' });
      for (const value of [...values].reverse()) {
        g.release(value);
        await waitFor(() => (g.finished.includes(value) ? true : undefined), { what: `${value} finished` });
      }
      expect(g.finished).toEqual([...values].reverse());
      await waitFor(async () => ((await lagOf(c)) === 0 ? true : undefined), { what: 'the partition committed to its end' });
      await c.close();
      expect(await leftOver(group)).toEqual([]);
    });

    it('after a crash, redelivers an unfinished record and every later one: nothing is committed past it', async () => {
      const { publish, consumer, recorder } = await setup();
      const group = uniqueName('group');
      const g = gates();
      const first = consumer(group, g.handler, undefined, { concurrency: 8 });
      await first.start();
      const values = Array.from({ length: 6 }, (_, i) => `r${i}`);
      for (const value of values) await publish('one-partition', value);
      await waitFor(() => (g.held.size === 6 ? true : undefined), { what: 'six records running' });
      for (const value of values.slice(1)) g.release(value);
      await waitFor(() => (g.finished.length === 5 ? true : undefined), { what: 'every record but the first finished' });
      // Closed without a drain, as a killed process: r0 never reached its outcome.
      await first.close({ drainTimeoutMs: 0 });

      const { member: second, seen: again } = recorder(group);
      await second.start();
      await waitFor(() => (again.length >= 6 ? true : undefined), { what: 'the records redelivered' });
      expect([...again].sort()).toEqual(values);
      g.release('r0');
    });

    it('survives a rebalance in the middle of a batch: unfinished records move with their partition, nothing is lost', { timeout: 60_000 }, async () => {
      const { publish, consumer, partitions, leftOver } = await setup();
      const group = uniqueName('group');
      const ranByA: string[] = [];
      const held = new Map<string, () => void>();
      let heldPartition = -1;
      const a = consumer(group, async (record) => {
        const value = record.value.toString();
        ranByA.push(value);
        if (value.startsWith('held')) {
          heldPartition = record.partition;
          await new Promise<void>((resolve) => held.set(value, resolve));
        }
        return { kind: 'done' };
      }, undefined, { concurrency: 10 });
      await a.start();
      // Eight records on one partition that A holds, among others A finishes at once.
      const heldValues = Array.from({ length: 8 }, (_, i) => `held-${i}`);
      const freeValues = Array.from({ length: 12 }, (_, i) => `free-${i}`);
      for (let i = 0; i < 12; i++) {
        if (i < 8) await publish('held-key', heldValues[i]!);
        await publish(`free-${i}`, freeValues[i]!);
      }
      await waitFor(() => (held.size === 8 && freeValues.every((v) => ranByA.includes(v)) ? true : undefined), { what: 'A holding eight records' });

      const ranByB: DeliveredRecord[] = [];
      const b = consumer(group, async (record) => {
        ranByB.push(record);
        return { kind: 'done' };
      });
      await b.start();
      const owners = await waitFor(
        async () => {
          const ownedBy = async (c: JobConsumer) => (await c.lag!()).filter((l) => l.owned).map((l) => l.partition);
          const [ofA, ofB] = [await ownedBy(a), await ownedBy(b)];
          return ofB.length > 0 && ofA.length > 0 && ofA.length + ofB.length === partitions && ofA.every((p) => !ofB.includes(p)) ? { ofA, ofB } : undefined;
        },
        { what: 'the partitions shared by A and B', timeoutMs: 20_000 },
      );
      if (owners.ofB.includes(heldPartition)) {
        // B owns their partition: A committed nothing past them, so B runs them while A still holds them.
        await waitFor(() => (heldValues.every((v) => ranByB.some((r) => r.value.toString() === v)) ? true : undefined), { what: 'B running the held records' });
        expect(held.size).toBe(8);
      } else {
        expect(owners.ofA).toContain(heldPartition);
      }
      for (const open of held.values()) open();
      const done = () => new Set([...ranByA, ...ranByB.map((r) => r.value.toString())]);
      await waitFor(() => ([...heldValues, ...freeValues].every((v) => done().has(v)) ? true : undefined), { what: 'every record done' });
      // A kept what it had in hand across the rejoin and started nothing twice.
      expect(ranByA.length).toBe(new Set(ranByA).size);
      await a.close();
      await b.close();
      expect(await leftOver(group)).toEqual([]);
    });

    it('keeps fetching bounded with a backlog far larger than its concurrency', { timeout: 60_000 }, async () => {
      const { publish, consumer, bufferBound } = await setup();
      const concurrency = 3;
      const recordSize = 1024;
      const bound = bufferBound(recordSize + 64);
      const backlog = 4 * bound + 40;
      for (let i = 0; i < backlog; i++) await publish(`key-${i}`, `r${i}-`.padEnd(recordSize, 'x'));
      const g = gates();
      let mostBuffered = 0;
      let mostInFlight = 0;
      const handler: DeliveryHandler = (record, context) => {
        mostBuffered = Math.max(mostBuffered, c.buffered!());
        mostInFlight = Math.max(mostInFlight, c.inFlight());
        return g.handler(record, context);
      };
      const c = consumer(uniqueName('group'), handler, undefined, { concurrency });
      expect(typeof c.buffered).toBe('function');
      await c.start();
      while (g.finished.length < backlog) {
        await waitFor(() => (g.held.size > 0 || g.finished.length === backlog ? true : undefined), { what: `records after ${g.finished.length}`, timeoutMs: 20_000 });
        mostBuffered = Math.max(mostBuffered, c.buffered!());
        g.releaseAll();
      }
      expect(g.mostRunning).toBeLessThanOrEqual(concurrency);
      expect(mostInFlight).toBeLessThanOrEqual(concurrency);
      expect(mostBuffered).toBeLessThanOrEqual(bound);
      expect(new Set(g.finished).size).toBe(backlog);
    });

    it('gives up on a record after its attempts: records the failure, dead-letters it and moves on', async () => {
      const { publish, consumer, deadLetters, lagOf } = await setup();
      const dead = await deadLetters();
      let calls = 0;
      const exhausted: Array<{ record: DeliveredRecord; failure: HandlerFailure }> = [];
      const later: string[] = [];
      const c = consumer(uniqueName('group'), async (record) => {
        if (record.value.toString() === 'always fails') {
          calls += 1;
          throw new Error('the job cannot be processed');
        }
        later.push(record.value.toString());
        return { kind: 'done' };
      }, undefined, {
        handlerAttempts: 3,
        onAttemptsExhausted: async (record, failure) => void exhausted.push({ record, failure }),
      });
      await c.start();
      await publish('one-partition', 'always fails', { 'content-type': 'application/json' });
      await publish('one-partition', 'after it');
      await waitFor(() => (dead.length > 0 && later.includes('after it') ? true : undefined), { what: 'the dead letter and the next record' });
      expect(calls).toBe(3);
      expect(exhausted).toHaveLength(1);
      expect(exhausted[0]!.failure.attempts).toBe(3);
      expect(exhausted[0]!.record.value.toString()).toBe('always fails');
      const copy = dead[0]!;
      expect(copy.value.toString()).toBe('always fails');
      expect(copy.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/^handler failed 3 times; the worker's logs have each error under this record's job_id and trace_id$/);
      expect(copy.headers[DEAD_LETTER_COPY_HEADERS.attempts]).toBe('3');
      expect(copy.headers[DEAD_LETTER_HEADERS.sourceOffset]).toBe(exhausted[0]!.record.offset);
      expect(copy.headers['content-type']).toBe('application/json');
      await waitFor(async () => ((await lagOf(c)) === 0 ? true : undefined), { what: 'the partition committed past it' });
      expect(calls).toBe(3);
    });

    it('keeps retrying a record while its dependency is unavailable, without using up its attempts', async () => {
      const { publish, consumer } = await setup();
      let calls = 0;
      const exhausted: DeliveredRecord[] = [];
      const c = consumer(uniqueName('group'), async () => {
        calls += 1;
        if (calls <= 5) throw new DependencyUnavailableError('status store', 'connection refused');
        return { kind: 'done' };
      }, undefined, { handlerAttempts: 2, onAttemptsExhausted: async (record) => void exhausted.push(record) });
      await c.start();
      await publish('k', 'waits for its store');
      await waitFor(() => (calls === 6 ? true : undefined), { what: 'the sixth call' });
      expect(exhausted).toEqual([]);
    });

    it('dead-letters a record near the size limit as a copy that still fits, its value cut and marked', { timeout: 60_000 }, async () => {
      const { publish, consumer, deadLetters } = await setup();
      const dead = await deadLetters();
      const c = consumer(uniqueName('group'), async () => ({ kind: 'dead-letter', reason: 'breaks the contract' }));
      await c.start();
      const headers = { 'content-type': 'application/json' };
      const room = DEFAULT_MAX_RECORD_BYTES - recordBytes({ key: 'big', value: Buffer.alloc(0), headers }) - 64;
      const value = Buffer.alloc(room, 'x');
      await publish('big', value, headers);
      await waitFor(() => (dead.length > 0 ? true : undefined), { what: 'the dead-letter copy', timeoutMs: 30_000 });
      const copy = dead[0]!;
      expect(copy.headers[DEAD_LETTER_COPY_HEADERS.truncatedFrom]).toBe(String(value.length));
      expect(copy.headers[DEAD_LETTER_HEADERS.reason]).toBe('breaks the contract');
      expect(copy.value.length).toBeLessThan(value.length);
      expect(copy.value.equals(value.subarray(0, copy.value.length))).toBe(true);
      expect(recordBytes(copy)).toBeLessThanOrEqual(DEFAULT_MAX_RECORD_BYTES);
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
      const { publish, consumer, recorder } = await setup();
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

      const { member: second, seen: redelivered } = recorder(group);
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
