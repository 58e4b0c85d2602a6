import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, request, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';

const ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const KEY = 'start-api-key-3e9d0b7c4a1f6e28';

/** `npm run start:api`: the fallback host as it runs in a container, here with API keys from a file. */
describe('npm run start:api with API_KEYS_FILE', () => {
  let app: RunningChild;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first (npm test does)`);
    dir = await mkdtemp(join(tmpdir(), 'dtq-start-api-'));
    await writeFile(join(dir, 'keys'), `# clients\n${KEY}\n`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = startNode(ENTRY, {
      PORT: String(port),
      WORKER_METRICS_PORT: String(await freePort()),
      API_KEYS_FILE: join(dir, 'keys'),
      SIMULATED_PROVIDER_DELAY_MS: '10',
      LOG_LEVEL: 'debug',
    });
    await app.waitForLine(/dtq API ready/);
  });
  afterAll(async () => {
    await app?.stop('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says in its first log line that keys are required, and how many', () => {
    const first = JSON.parse(app.lines[0]!) as { msg: string; auth: string };
    expect(first.msg).toContain('auth=api-keys (1 key)');
    expect(first.auth).toBe('api-keys (1 key)');
  });

  it('answers 401 without a key, 403 with a wrong one, 202 with the right one; health stays open', async () => {
    expect((await postJson(`${base}/v1/jobs`, weatherJob())).status).toBe(401);
    expect((await postJson(`${base}/v1/jobs`, weatherJob(), { authorization: 'Bearer wrong-key' })).status).toBe(403);
    expect((await postJson(`${base}/v1/jobs`, weatherJob(), { 'x-api-key': KEY })).status).toBe(202);
    expect((await postJson(`${base}/v1/jobs`, weatherJob(), { authorization: `Bearer ${KEY}` })).status).toBe(202);
    expect((await request(`${base}/healthz`)).status).toBe(200);
    expect((await request(`${base}/metrics`)).status).toBe(200);
  });

  it('never logs the key or its hash', async () => {
    const { code } = await app.stop('SIGTERM');
    expect(code).toBe(0);
    const output = [...app.lines, ...app.stderr].join('\n');
    expect(output).toContain('request rejected');
    expect(output).not.toContain(KEY);
    expect(output).not.toContain(createHash('sha256').update(KEY).digest('hex'));
    expect(output).not.toContain(createHash('sha256').update(KEY).digest('base64'));
  });
});

describe('npm run start:api without keys', () => {
  it('says in its first log line that the API is open', async () => {
    const app = startNode(ENTRY, { PORT: String(await freePort()), WORKER_METRICS_PORT: String(await freePort()) });
    try {
      await app.waitForLine(/dtq API ready/);
      expect(JSON.parse(app.lines[0]!).msg).toContain('auth=open (no API_KEYS)');
      expect((await app.stop('SIGTERM')).code).toBe(0);
    } finally {
      await app.stop('SIGKILL');
    }
  });
});
