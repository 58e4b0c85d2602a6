import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobResultDocumentSchema, type JobMessage, type JobResultDocument } from '../../contracts/index.js';
import { encodeJobRecord } from '../../core/domain/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal } from '../support/http-client.js';
import { connectTestMongo, mongoUriVia, testDatabases, testMongoAddress } from '../support/mongo-server.js';
import { TEST_MONGODB_URI } from '../support/services.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { waitFor } from '../support/wait-for.js';

/** Debian's interpreter, where python3-pymongo installs; not whatever python3 is first on PATH. */
const PYTHON = '/usr/bin/python3';
const READ_SCRIPT = fileURLToPath(new URL('./pymongo_read_results.py', import.meta.url));
const CONTRACT_FIELDS = Object.keys(JobResultDocumentSchema.shape);

type StoredDocument = JobResultDocument & { _id: { $oid: string } };
interface PymongoRead {
  documents: StoredDocument[];
  /** pymongo's index_information(): name → key as [field, direction] pairs, unique when it is. */
  indexes: Record<string, { key: Array<[string, number]>; unique?: boolean }>;
}

/** The job_results collection of `database` as pymongo sees it. */
function readWithPymongo(database: string): Promise<PymongoRead> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [READ_SCRIPT, TEST_MONGODB_URI, database], { timeout: 30_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`pymongo_read_results.py failed (is python3-pymongo installed?): ${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as PymongoRead);
      } catch {
        reject(new Error(`pymongo_read_results.py printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** Sum of dtq_worker_jobs_processed_total for one job type, from the worker's /metrics. */
async function processedCount(app: EmbeddedApp, jobType: string): Promise<number> {
  const text = (await request<string>(`http://127.0.0.1:${app.worker.healthPort}/metrics`)).body;
  return text
    .split('\n')
    .filter((line) => line.startsWith('dtq_worker_jobs_processed_total{') && line.includes(`job_type="${jobType}"`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const JOBS = [
  { body: { job_type: 'weather', payload: { city: 'Austin', country_code: 'US', units: 'metric' } }, state: 'completed' },
  { body: { job_type: 'weather', payload: { city: 'Atlantis', country_code: 'US', units: 'metric' } }, state: 'failed' },
  { body: { job_type: 'quote', payload: {} }, state: 'completed' },
  { body: { job_type: 'exchange_rate', payload: { base: 'USD', target: 'EUR', amount: 10 } }, state: 'completed' },
  { body: { job_type: 'github_user', payload: { username: 'octocat' } }, state: 'completed' },
] as const;

describe('MONGODB_URI: the whole flow stores results in MongoDB (FerretDB here), read back with pymongo', () => {
  let client: MongoClient;
  const databases = testDatabases(() => client, 'dtq_flow');
  const database = databases.name();
  let proxy: FaultProxy;
  let app: EmbeddedApp;
  const submitted: Array<{ job_id: string; trace_id: string; state: string; job_type: string }> = [];

  beforeAll(async () => {
    client = await connectTestMongo();
    // The app reaches the server through a proxy the outage test cuts; a short server-selection
    // timeout (set in the URI) lets it see 503 soon after.
    proxy = await startFaultProxy(testMongoAddress());
    app = await startEmbeddedApp({ MONGODB_URI: mongoUriVia(proxy.port, { serverSelectionTimeoutMS: 1_000 }), MONGODB_DATABASE: database });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    if (client) await databases.drop();
    await client?.close();
  });

  it('keeps exactly one contract document per job, with its final state and error', async () => {
    for (const job of JOBS) {
      const response = await postJson(`${app.baseUrl}/v1/jobs`, job.body);
      expect(response.status).toBe(202);
      submitted.push({ job_id: response.body.job_id, trace_id: response.body.trace_id, state: job.state, job_type: job.body.job_type });
    }
    for (const job of submitted) expect(await waitForTerminal(app.baseUrl, job.job_id)).toMatchObject({ state: job.state });

    const { documents, indexes } = await readWithPymongo(database);
    expect(Object.values(indexes)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: [['job_id', 1]], unique: true }),
        expect.objectContaining({ key: [['completed_at', -1]] }),
      ]),
    );
    expect(documents).toHaveLength(submitted.length);
    for (const job of submitted) {
      const mine = documents.filter((d) => d.job_id === job.job_id);
      expect(mine).toHaveLength(1);
      const { _id, ...contract } = mine[0]!;
      expect(Object.keys(mine[0]!).sort()).toEqual([...CONTRACT_FIELDS, '_id'].sort());
      expect(_id.$oid).toMatch(/^[0-9a-f]{24}$/);
      expect(JobResultDocumentSchema.strict().parse(contract)).toMatchObject({ job_type: job.job_type, final_state: job.state, trace_id: job.trace_id });
      // The API serves the same document from MongoDB, without _id.
      expect((await request(`${app.baseUrl}/v1/jobs/${job.job_id}/result`)).body).toEqual(contract);
    }

    const failed = documents.find((d) => d.job_id === submitted[1]!.job_id)!;
    expect(failed.output).toBeNull();
    expect(failed.error).toEqual({ code: 'CITY_NOT_FOUND', message: expect.stringContaining('Atlantis') });
    expect(failed.input).toEqual({ city: 'Atlantis', country_code: 'US', units: 'metric' });
    for (const ok of documents.filter((d) => d.final_state === 'completed')) {
      expect(ok.error).toBeNull();
      expect(ok.output).not.toBeNull();
    }
  });

  it('keeps one document when a finished job is replayed and when a new job is delivered twice', async () => {
    const { documents: before } = await readWithPymongo(database);
    const austin = before.find((d) => d.job_id === submitted[0]!.job_id)!;
    const replay: JobMessage = {
      schema_version: '1.0',
      job_id: austin.job_id,
      job_type: 'weather',
      submitted_at: new Date().toISOString(),
      trace_id: austin.trace_id,
      payload: { city: 'Austin', country_code: 'US', units: 'metric' },
    };
    const twice: JobMessage = {
      schema_version: '1.0',
      job_id: randomUUID(),
      job_type: 'quote',
      submitted_at: new Date().toISOString(),
      trace_id: randomUUID(),
      payload: { tag: 'wisdom' },
    };
    const weatherBefore = await processedCount(app, 'weather');
    const quoteBefore = await processedCount(app, 'quote');
    await Promise.all([
      app.adapters.queue.publish(encodeJobRecord(replay)),
      app.adapters.queue.publish(encodeJobRecord(replay)),
      app.adapters.queue.publish(encodeJobRecord(twice)),
      app.adapters.queue.publish(encodeJobRecord(twice)),
    ]);
    await waitFor(async () => ((await processedCount(app, 'weather')) >= weatherBefore + 2 ? true : undefined), { what: 'both replays handled' });
    await waitFor(async () => ((await processedCount(app, 'quote')) >= quoteBefore + 2 ? true : undefined), { what: 'both deliveries handled' });

    const { documents: after } = await readWithPymongo(database);
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((d) => d.job_id === austin.job_id)).toEqual([austin]);
    const delivered = after.filter((d) => d.job_id === twice.job_id);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ job_type: 'quote', final_state: 'completed', trace_id: twice.trace_id, input: { tag: 'wisdom' } });
  });

  it('reports the result store in /readyz, answers 503 while MongoDB is unreachable, and recovers', async () => {
    const ready = await request(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.result_store).toEqual({ ok: true });

    proxy.cut();
    const unavailable = await request(`${app.baseUrl}/v1/jobs/${submitted[0]!.job_id}/result`);
    expectErrorBody(unavailable, 503, 'SERVICE_UNAVAILABLE');
    const notReady = await request(`${app.baseUrl}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.result_store.ok).toBe(false);

    proxy.restore();
    await waitFor(async () => ((await request(`${app.baseUrl}/readyz`)).status === 200 ? true : undefined), { timeoutMs: 20_000, what: '/readyz to answer 200 again' });
    expect((await request(`${app.baseUrl}/v1/jobs/${submitted[0]!.job_id}/result`)).status).toBe(200);
  });
});
