// Clients that abandon a download must not cost the host anything: each aborted static file
// used to keep its file descriptor (and a pending promise) open for good.
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { waitFor } from '../support/wait-for.js';
import { makeWebFolder } from '../support/web-folder.js';

const ABORTS = 60;
const openDescriptors = () => readdirSync('/proc/self/fd').length;

/** Asks for the file, reads its first bytes, then drops the connection mid-download. */
function abortedDownload(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nhost: localhost\r\n\r\n`));
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

describe('fallback host: abandoned static downloads', () => {
  let dir: string;
  let app: EmbeddedApp;
  beforeAll(async () => {
    dir = await makeWebFolder('dtq-web-abort', {
      'index.html': '<!doctype html><div id="root"></div>',
      // Larger than the socket buffers, so the host is still streaming when the client leaves.
      'big.bin': Buffer.alloc(8 * 1024 * 1024, 7),
    });
    app = await startEmbeddedApp({}, { staticDir: dir });
  });
  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`closes the file of every one of ${ABORTS} aborted downloads`, async () => {
    const port = Number(new URL(app.baseUrl).port);
    await abortedDownload(port, '/big.bin');
    const baseline = await waitFor(() => openDescriptors(), { timeoutMs: 5_000, intervalMs: 50, what: 'a first descriptor count' });
    for (let i = 0; i < ABORTS; i++) await abortedDownload(port, '/big.bin');
    const settled = await waitFor(
      () => {
        const now = openDescriptors();
        return now <= baseline + 5 ? now : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `open descriptors to fall back near ${baseline} after ${ABORTS} aborted downloads (now ${openDescriptors()})` },
    );
    expect(settled).toBeLessThanOrEqual(baseline + 5);
    const whole = await fetch(`${app.baseUrl}/big.bin`);
    expect(whole.status).toBe(200);
    expect((await whole.arrayBuffer()).byteLength).toBe(8 * 1024 * 1024);
  });
});
