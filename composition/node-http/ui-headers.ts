import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Static Web App's config, which the web build copies from web/public into its folder. */
export const STATIC_WEB_APP_CONFIG = 'staticwebapp.config.json';

/** Headers every UI answer must carry; a config without them is refused rather than served bare. */
const REQUIRED = ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy'] as const;

/**
 * The headers the web UI is served with: the Static Web App's `globalHeaders`, read from the
 * built folder, so both hosts of the UI send one policy (including what the build added to it:
 * the API's origin, Entra ID's for sign-in). Throws when the folder has no such config, naming
 * the file, so the UI never goes out without its CSP and framing rules.
 */
export function readUiHeaders(root: string): Record<string, string> {
  const file = join(root, STATIC_WEB_APP_CONFIG);
  let config: { globalHeaders?: Record<string, unknown> };
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as typeof config;
  } catch (error) {
    throw new Error(`the web UI in ${root} has no readable ${STATIC_WEB_APP_CONFIG} (its security headers); build it with npm run build:web`, {
      cause: error,
    });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.globalHeaders ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const missing = REQUIRED.filter((name) => !headers[name]);
  if (missing.length > 0) throw new Error(`${file}: globalHeaders lacks ${missing.join(', ')}`);
  return headers;
}
