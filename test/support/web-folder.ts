import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Static Web App config the web build copies into its folder (the UI's headers come from it). */
export const STATIC_WEB_APP_CONFIG_SOURCE = fileURLToPath(new URL('../../web/public/staticwebapp.config.json', import.meta.url));

/**
 * A web folder as the build makes one, in a temp directory: the given files (paths relative to
 * it) and the Static Web App config from web/public. Returns its path; the caller removes it.
 */
export async function makeWebFolder(name: string, files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await copyFile(STATIC_WEB_APP_CONFIG_SOURCE, join(dir, 'staticwebapp.config.json'));
  return dir;
}
