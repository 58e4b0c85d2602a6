import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { allowApiOrigin, apiOriginFor } from './static-web-app-config.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(root, 'dist');
const apiTarget = process.env.DTQ_API_URL ?? 'http://localhost:7071';

/**
 * The Static Web App's CSP must let the page call the API. public/staticwebapp.config.json
 * allows same origin and *.azurewebsites.net; a build pointed at another origin by
 * VITE_API_BASE_URL gets that origin added to connect-src in dist.
 */
function staticWebAppConfig(apiOrigin: string | undefined): Plugin {
  return {
    name: 'dtq-static-web-app-config',
    apply: 'build',
    async writeBundle() {
      if (!apiOrigin) return;
      const file = join(outDir, 'staticwebapp.config.json');
      await writeFile(file, allowApiOrigin(await readFile(file, 'utf8'), apiOrigin));
    },
  };
}

// The web app builds to web/dist, which the local host serves at `/`. VITE_API_BASE_URL
// points a deployed build (the Static Web App) at the Functions app.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, root, 'VITE_');
  return {
    root,
    plugins: [react(), staticWebAppConfig(apiOriginFor(env.VITE_API_BASE_URL))],
    build: { outDir, emptyOutDir: true, sourcemap: true },
    server: { proxy: { '/v1': apiTarget, '/healthz': apiTarget, '/readyz': apiTarget } },
  };
});
