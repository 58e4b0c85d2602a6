import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { parseSignInConfig, type SignInConfig } from './src/sign-in/sign-in-config.js';
import { allowApiOrigin, allowSignIn, apiOriginFor } from './static-web-app-config.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.DTQ_API_URL ?? 'http://localhost:7071';

/**
 * The Static Web App's CSP must let the page call the API. public/staticwebapp.config.json
 * allows same origin and *.azurewebsites.net; a build pointed at another origin by
 * VITE_API_BASE_URL gets that origin added to connect-src in the output, and a build with
 * Entra ID sign-in gets the authority's origin (MSAL.js talks to it).
 */
function staticWebAppConfig(apiOrigin: string | undefined, signIn: SignInConfig | undefined): Plugin {
  let outDir = '';
  return {
    name: 'dtq-static-web-app-config',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async writeBundle() {
      if (!apiOrigin && !signIn) return;
      const file = join(outDir, 'staticwebapp.config.json');
      let text = await readFile(file, 'utf8');
      if (apiOrigin) text = allowApiOrigin(text, apiOrigin);
      if (signIn) text = allowSignIn(text, new URL(signIn.authority).origin);
      await writeFile(file, text);
    },
  };
}

// The web app builds to web/dist, which the local host serves at `/`. VITE_API_BASE_URL
// points a deployed build (the Static Web App) at the Functions app; VITE_AUTH_CLIENT_ID,
// VITE_AUTH_AUTHORITY and VITE_AUTH_SCOPE switch on Entra ID sign-in (checked here, so a
// half-configured build fails). redirect.html is MSAL's redirect bridge, a page of its own.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, root, 'VITE_');
  return {
    root,
    plugins: [react(), staticWebAppConfig(apiOriginFor(env.VITE_API_BASE_URL), parseSignInConfig(env))],
    build: {
      outDir: join(root, 'dist'),
      emptyOutDir: true,
      sourcemap: true,
      rollupOptions: { input: { main: join(root, 'index.html'), redirect: join(root, 'redirect.html') } },
    },
    server: { proxy: { '/v1': apiTarget, '/healthz': apiTarget, '/readyz': apiTarget } },
  };
});
