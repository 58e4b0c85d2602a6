import { readFileSync } from 'node:fs';

/**
 * The dtq version this process runs, from the package.json above this file (composition/ when
 * run from source, dist/composition/ when built): the version workers report on their heartbeat.
 * DTQ_VERSION, when an image sets it, names the build more precisely.
 */
export function dtqVersion(): string {
  if (process.env.DTQ_VERSION) return process.env.DTQ_VERSION;
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'dtq' && manifest.version) return manifest.version;
    } catch {
      // not there: look one folder up
    }
  }
  return 'unknown';
}
