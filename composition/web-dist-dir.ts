import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built web app (web/dist) of the package this file belongs to, if it has been built. */
export function findWebDistDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    if (existsSync(join(dir, 'package.json'))) {
      const dist = join(dir, 'web', 'dist');
      return existsSync(join(dist, 'index.html')) ? dist : undefined;
    }
    dir = dirname(dir);
  }
  return undefined;
}
