import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { findWebDistDir } from '../../functions/fallback-host/web-dist-dir.js';
import { startEmbeddedApp } from '../support/embedded-app.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface RunningApp {
  baseUrl: string;
  close(): Promise<void>;
}

/** Fails with what to do when the browser or the built web app is missing, instead of skipping. */
export function requireBrowserAndBuild(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: the web UI test drives Debian's Chromium; run \`apt-get install chromium\``);
  }
  const staticDir = findWebDistDir();
  if (!staticDir) throw new Error('web/dist/index.html is missing: run `npm run build:web` (npm test builds it first)');
  return staticDir;
}

/** The whole product in this process, as `npm start` runs it: API + worker + web UI, on the adapters `env` selects (in-memory when it names no service). */
export async function startApp(options: { staticDir: string; providerDelayMs: number; env?: Record<string, string> }): Promise<RunningApp> {
  return startEmbeddedApp({ SIMULATED_PROVIDER_DELAY_MS: String(options.providerDelayMs), ...options.env }, { staticDir: options.staticDir });
}

/** Debian's Chromium, headless, with everything that would reach the (closed) network turned off. */
export function launchChromium(userDataDir: string, options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
}
