/**
 * GET /v1/jobs past the status window: the domain's listing over each status store (in memory,
 * Redis) and each result store (in memory, and MongoDB on the MongoDB-wire server). Recent jobs come
 * from the statuses, newest submission first; then jobs that completed before the window began,
 * from their results, newest completion first, in the same pages and never twice.
 */
import { randomUUID } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListJobsResponseSchema, type JobResultDocument, type JobSummary } from '../../contracts/index.js';
import { MemoryResultStore } from '../../adapters/memory/index.js';
import { MongoResultStore } from '../../adapters/mongodb/index.js';
import { listJobs } from '../../core/domain/index.js';
import type { ResultStore, StatusWrite } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';
import { connectTestMongo, testDatabases } from '../support/mongo-server.js';
import { testLogger } from '../support/test-logger.js';
import { statusStoreTargets } from '../support/status-store-targets.js';
import { sampleResult } from '../conformance/result-store.suite.js';

const logger = testLogger();
const NOW = new Date();
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

let client: MongoClient;
const databases = testDatabases(() => client, 'dtq_history');
beforeAll(async () => {
  client = await connectTestMongo();
});
afterAll(async () => {
  if (client) await databases.drop();
  await client?.close();
});

const resultStores: Array<[string, () => Promise<{ store: ResultStore; cleanup: () => Promise<void> }>]> = [
  ['in memory', async () => ({ store: new MemoryResultStore(), cleanup: async () => undefined })],
  [
    'MongoDB',
    async () => {
      const database = databases.name();
      const store = new MongoResultStore({ client, database, logger });
      await store.init();
      return { store, cleanup: async () => void (await store.close(), await client.db(database).dropDatabase()) };
    },
  ],
];

const statusStores = statusStoreTargets('dtq-history', logger);
const combinations = statusStores.flatMap(([statusName, createStatuses]) =>
  resultStores.map(([resultName, createResults]) => [`statuses ${statusName}, results ${resultName}`, createStatuses, createResults] as const),
);

function result(hours: number, overrides: Partial<JobResultDocument> = {}): JobResultDocument {
  return sampleResult({ started_at: hoursAgo(hours + 0.01), completed_at: hoursAgo(hours), ...overrides });
}

function recentStatus(jobId: string, hours: number, overrides: Partial<StatusWrite> = {}): StatusWrite {
  return {
    job_id: jobId,
    state: 'completed',
    progress_percent: 100,
    message: 'completed',
    updated_at: hoursAgo(hours),
    submitted_at: hoursAgo(hours),
    trace_id: randomUUID(),
    job_type: 'weather',
    ...overrides,
  };
}

describe.each(combinations)('jobs list past the status window, %s', (_name, createStatuses, createResults) => {
  const onCleanup = closeAfterEach();

  async function setUp() {
    const { store: statuses, cleanup } = createStatuses();
    const results = await createResults();
    onCleanup(async () => (await cleanup(), await results.cleanup()));
    const deps = { statuses, results: results.store, now: () => NOW, logger };
    const list = async (query: Record<string, string>) => ListJobsResponseSchema.parse(await listJobs(deps, Object.entries(query)));
    /** Every page from the first, by next_cursor. */
    const all = async (query: Record<string, string>) => {
      const pages: JobSummary[][] = [];
      let cursor: string | null = null;
      do {
        const page = await list({ ...query, ...(cursor ? { cursor } : {}) });
        pages.push(page.items);
        cursor = page.next_cursor;
      } while (cursor && pages.length < 20);
      return pages;
    };
    return { statuses, results: results.store, list, all };
  }

  it('continues from the stored results, newest completion first, filling the last page of the window, each job once', async () => {
    const { statuses, results, all } = await setUp();
    // In the window: three jobs, one still queued; the finished ones have results too.
    const [recent1, recent2, queued] = [randomUUID(), randomUUID(), randomUUID()];
    await statuses.write(recentStatus(recent1, 3));
    await statuses.write(recentStatus(recent2, 2, { job_type: 'quote', state: 'failed', progress_percent: 50, message: 'failed', error_code: 'QUOTE_FAILED' }));
    await statuses.write(recentStatus(queued, 1, { state: 'queued', progress_percent: 0, message: 'queued', label: 'Austin, US' }));
    await results.save(result(3, { job_id: recent1 }));
    await results.save(result(2, { job_id: recent2, job_type: 'quote', input: {}, output: null, final_state: 'failed', error: { code: 'QUOTE_FAILED', message: 'no' } }));
    // Past the window: three results whose statuses are long gone.
    const old = [
      result(30, { input: { city: 'Oslo', country_code: 'NO', units: 'metric' } }),
      result(26, { job_type: 'quote', input: { tag: 'wisdom' }, output: null, final_state: 'failed', error: { code: 'QUOTE_FAILED', message: 'no quote' } }),
      result(48, { job_type: 'github_user', input: { username: 'octocat' }, output: { login: 'octocat' } }),
    ];
    for (const doc of old) await results.save(doc);

    const pages = await all({ limit: '2' });
    expect(pages.map((page) => page.map((job) => job.job_id))).toEqual([
      [queued, recent2],
      [recent1, old[1]!.job_id],
      [old[0]!.job_id, old[2]!.job_id],
    ]);
    const history = pages.flat().filter((job) => job.source === 'results');
    expect(history.map((job) => job.job_id)).toEqual([old[1]!.job_id, old[0]!.job_id, old[2]!.job_id]);
    expect(history[0]).toEqual({
      job_id: old[1]!.job_id,
      job_type: 'quote',
      state: 'failed',
      progress_percent: 100,
      message: 'failed',
      submitted_at: old[1]!.started_at,
      updated_at: old[1]!.completed_at,
      source: 'results',
      label: 'tag wisdom',
      trace_id: old[1]!.trace_id,
      error_code: 'QUOTE_FAILED',
      error_message: 'no quote',
    });
    expect(history.map((job) => job.label)).toEqual(['tag wisdom', 'Oslo, NO', '@octocat']);
    expect(pages.flat().filter((job) => job.source === undefined).map((job) => job.job_id)).toEqual([queued, recent2, recent1]);
  });

  it('applies the filters to both parts, and ends with the window for queued or running jobs', async () => {
    const { statuses, results, list, all } = await setUp();
    const recentFailed = randomUUID();
    await statuses.write(recentStatus(recentFailed, 1, { state: 'failed', progress_percent: 50, message: 'failed', error_code: 'CITY_NOT_FOUND' }));
    const running = randomUUID();
    await statuses.write(recentStatus(running, 1, { state: 'running', progress_percent: 20, message: 'started' }));
    const oldFailed = result(40, { final_state: 'failed', output: null, error: { code: 'CITY_NOT_FOUND', message: 'no city' } });
    const oldQuote = result(41, { job_type: 'quote', input: {}, output: { text: 'x' } });
    const oldWeather = result(42);
    for (const doc of [oldFailed, oldQuote, oldWeather]) await results.save(doc);

    const failed = await all({ state: 'failed' });
    expect(failed.flat().map((job) => job.job_id)).toEqual([recentFailed, oldFailed.job_id]);
    const quotes = await all({ job_type: 'quote' });
    expect(quotes.flat().map((job) => job.job_id)).toEqual([oldQuote.job_id]);
    const weatherCompleted = await all({ job_type: 'weather', state: 'completed' });
    expect(weatherCompleted.flat().map((job) => job.job_id)).toEqual([oldWeather.job_id]);

    expect(await list({ state: 'running' })).toEqual({ items: [expect.objectContaining({ job_id: running })], next_cursor: null });
    expect(await list({ state: 'queued' })).toEqual({ items: [], next_cursor: null });

    // A window page that is full offers the results part only when a result is there.
    const full = await list({ limit: '1', state: 'failed' });
    expect(full.items.map((job) => job.job_id)).toEqual([recentFailed]);
    expect((await list({ limit: '1', state: 'failed', cursor: full.next_cursor! })).items.map((job) => job.job_id)).toEqual([oldFailed.job_id]);
    expect(await list({ limit: '1', job_type: 'github_user' })).toEqual({ items: [], next_cursor: null });
  });
});
