/**
 * GET /v1/jobs with a time range and a search (submitted_after/before, q, label): the domain's
 * listing over each status store (in memory, Redis), paged by next_cursor, each match once.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ListJobsResponseSchema, type JobSummary } from '../../contracts/index.js';
import { MemoryResultStore } from '../../adapters/memory/index.js';
import { listJobs } from '../../core/domain/index.js';
import { InvalidQueryError } from '../../core/errors/index.js';
import { closeAfterEach } from '../support/closers.js';
import { testLogger } from '../support/test-logger.js';
import { statusStoreTargets } from '../support/status-store-targets.js';

const logger = testLogger();
const NOW = new Date();
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

const statusStores = statusStoreTargets('dtq-search', logger);

describe.each(statusStores)('jobs list search, statuses %s', (_name, createStatuses) => {
  const onCleanup = closeAfterEach();

  async function setUp() {
    const { store: statuses, cleanup } = createStatuses();
    onCleanup(cleanup);
    const deps = { statuses, results: new MemoryResultStore(), now: () => NOW, logger };
    const list = async (query: Record<string, string>) => ListJobsResponseSchema.parse(await listJobs(deps, Object.entries(query)));
    const all = async (query: Record<string, string>) => {
      const found: JobSummary[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list({ ...query, ...(cursor ? { cursor } : {}) });
        found.push(...page.items);
        cursor = page.next_cursor;
        pages += 1;
      } while (cursor && pages < 50);
      return { found, pages };
    };
    // Twelve jobs a minute apart: cities, one of them twice, and a few currency pairs.
    const labels = ['Austin, US', 'Oslo, NO', 'USD → EUR', 'Austin, US', '@octocat', 'Lagos, NG', 'GBP → JPY', 'Paris, FR', 'USD → EUR', 'Austin, US', 'tag wisdom', 'Quito, EC'];
    const ids = labels.map(() => randomUUID());
    for (const [i, label] of labels.entries()) {
      await statuses.write({
        job_id: ids[i]!,
        state: i % 3 === 0 ? 'failed' : 'completed',
        progress_percent: 100,
        message: 'done',
        updated_at: minutesAgo(i),
        submitted_at: minutesAgo(i),
        job_type: label.includes('→') ? 'exchange_rate' : label.startsWith('@') ? 'github_user' : label.startsWith('tag') ? 'quote' : 'weather',
        label,
      });
    }
    return { list, all, ids, labels };
  }

  it('finds by words of the label in any case, by exact label and by id, across pages, each once', async () => {
    const { all, ids } = await setUp();
    const austin = await all({ q: 'austin', limit: '2' });
    expect(austin.found.map((job) => job.job_id)).toEqual([ids[0], ids[3], ids[9]]);
    expect(new Set(austin.found.map((job) => job.job_id)).size).toBe(3);
    expect((await all({ q: 'usd eur' })).found.map((job) => job.job_id)).toEqual([ids[2], ids[8]]);
    expect((await all({ label: 'USD → EUR', state: 'completed' })).found.map((job) => job.job_id)).toEqual([ids[2], ids[8]]);
    expect((await all({ q: ids[5]!.slice(0, 13).toUpperCase() })).found.map((job) => job.job_id)).toEqual([ids[5]]);
    expect((await all({ q: 'atlantis' })).found).toEqual([]);
  });

  it('keeps to the time range: after inclusive, before exclusive, combined with the other filters', async () => {
    const { all, ids } = await setUp();
    const range = await all({ submitted_after: minutesAgo(9), submitted_before: minutesAgo(3) });
    expect(range.found.map((job) => job.job_id)).toEqual([ids[4], ids[5], ids[6], ids[7], ids[8], ids[9]]);
    const failedAustin = await all({ submitted_after: minutesAgo(11), q: 'Austin', state: 'failed', job_type: 'weather' });
    expect(failedAustin.found.map((job) => job.job_id)).toEqual([ids[0], ids[3], ids[9]]);
  });

  it('refuses a bad range or search with the field named', async () => {
    const { list } = await setUp();
    for (const [query, field] of [
      [{ submitted_after: 'yesterday' }, 'submitted_after'],
      [{ submitted_before: '2026-01-01T00:00:00+02:00' }, 'submitted_before'],
      [{ q: ' ' }, 'q'],
      [{ label: 'x'.repeat(500) }, 'label'],
    ] as const) {
      const error = await list(query).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidQueryError);
      expect(JSON.stringify((error as InvalidQueryError).fields)).toContain(field);
    }
  });
});
