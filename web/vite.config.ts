import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = process.env.DTQ_API_URL ?? 'http://localhost:7071';

// The web app builds to web/dist, which the local host serves at `/`. VITE_API_BASE_URL
// points a deployed build (the Static Web App) at the Functions app.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/v1': apiTarget, '/healthz': apiTarget, '/readyz': apiTarget } },
});
