import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../support/closers.js';
import { JobResultDocumentSchema, type JobResultDocument } from '../../contracts/index.js';
import type { ResultStore } from '../../core/ports/index.js';

export interface ResultStoreFixture {
  store: ResultStore;
  cleanup(): Promise<void>;
}

/** A valid result document (a completed weather job); tests override what they vary. */
export function sampleResult(overrides: Partial<JobResultDocument> = {}): JobResultDocument {
  return {
    schema_version: '1.0',
    job_id: randomUUID(),
    job_type: 'weather',
    input: { city: 'Austin', country_code: 'US', units: 'metric' },
    output: { temperature: 20.4, condition: 'Cloudy', humidity_pct: 61, wind_kph: 13.2 },
    final_state: 'completed',
    started_at: '2026-02-14T15:12:05.000Z',
    completed_at: '2026-02-14T15:12:08.000Z',
    error: null,
    trace_id: randomUUID(),
    ...overrides,
  };
}

/** The result-store port's guarantees; every adapter runs this suite. */
export function describeResultStoreConformance(adapter: string, create: () => Promise<ResultStoreFixture>): void {
  describe(`result store conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function store() {
      const fixture = await create();
      onCleanup(() => fixture.cleanup());
      return fixture.store;
    }

    it('saves a result and reads back exactly the contract document', async () => {
      const s = await store();
      const doc = sampleResult();
      expect(await s.save(doc)).toEqual({ inserted: true });
      const read = await s.get(doc.job_id);
      expect(JobResultDocumentSchema.strict().parse(read)).toEqual(doc);
      expect(await s.get(randomUUID())).toBeNull();
    });

    it('keeps the first document when a job is saved again', async () => {
      const s = await store();
      const doc = sampleResult();
      await s.save(doc);
      const replay = { ...doc, output: { temperature: 99, condition: 'Changed', humidity_pct: 1, wind_kph: 1 }, completed_at: '2026-02-14T16:00:00.000Z' };
      expect(await s.save(replay)).toEqual({ inserted: false });
      expect(await s.get(doc.job_id)).toEqual(doc);
    });

    it('leaves one document when many saves of one job race', async () => {
      const s = await store();
      const doc = sampleResult();
      const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => s.save({ ...doc, output: { ...doc.output, attempt: i } })));
      expect(outcomes.filter((o) => o.inserted)).toHaveLength(1);
      const stored = await s.get(doc.job_id);
      expect(stored?.job_id).toBe(doc.job_id);
      const page = await s.list({ limit: 100, job_type: 'weather' });
      expect(page.items.filter((item) => item.job_id === doc.job_id)).toHaveLength(1);
    });

    it('answers each of many saves made at once, new jobs and jobs already stored alike', async () => {
      const s = await store();
      const stored = sampleResult();
      await s.save(stored);
      const fresh = Array.from({ length: 30 }, () => sampleResult());
      const outcomes = await Promise.all([
        s.save({ ...stored, completed_at: '2026-02-14T17:00:00.000Z' }),
        ...fresh.map((doc) => s.save(doc)),
        s.save({ ...fresh[3]!, output: null }),
      ]);
      expect(outcomes.map((o) => o.inserted)).toEqual([false, ...fresh.map(() => true), false]);
      expect(await s.get(stored.job_id)).toEqual(stored);
      for (const doc of fresh) expect(await s.get(doc.job_id)).toEqual(doc);
    });

    it('stores failures with their error', async () => {
      const s = await store();
      const doc = sampleResult({ final_state: 'failed', output: null, error: { code: 'CITY_NOT_FOUND', message: 'no city' } });
      await s.save(doc);
      expect(await s.get(doc.job_id)).toEqual(doc);
    });

    it('lists newest completion first with filters and cursor pages', async () => {
      const s = await store();
      const base = Date.UTC(2092, 0, 1);
      const docs = Array.from({ length: 7 }, (_, i) =>
        sampleResult({
          completed_at: new Date(base + i * 1000).toISOString(),
          job_type: i % 2 === 0 ? 'quote' : 'weather',
          final_state: i === 3 ? 'failed' : 'completed',
          ...(i === 3 ? { output: null, error: { code: 'X', message: 'y' } } : {}),
        }),
      );
      for (const doc of docs) await s.save(doc);
      const ids = docs.map((d) => d.job_id);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.list({ limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((d) => d.job_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor && seen.length < 10_000);
      expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse());
      expect(new Set(seen).size).toBe(seen.length);

      const quotes = await s.list({ limit: 100, job_type: 'quote' });
      expect(quotes.items.filter((d) => ids.includes(d.job_id)).map((d) => d.job_id)).toEqual([ids[6], ids[4], ids[2], ids[0]]);
      const failed = await s.list({ limit: 100, final_state: 'failed' });
      expect(failed.items.filter((d) => ids.includes(d.job_id)).map((d) => d.job_id)).toEqual([ids[3]]);
    });
  });
}
