import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WORKER_DOCKERFILE = 'worker-container/Dockerfile';

/**
 * The NODE_OPTIONS an image sets for node (its last `ENV NODE_OPTIONS=`), so the bench runs the
 * worker as shipped rather than with node's own defaults, and the tests hold the image to its
 * container; empty when it sets none.
 */
export function imageNodeOptions(dockerfile = WORKER_DOCKERFILE): string {
  const text = readFileSync(fileURLToPath(new URL(`../${dockerfile}`, import.meta.url)), 'utf8');
  const settings = [...text.matchAll(/^ENV\s+NODE_OPTIONS=(?:"([^"]*)"|(\S+))/gm)];
  const last = settings.at(-1);
  return last ? (last[1] ?? last[2] ?? '') : '';
}
