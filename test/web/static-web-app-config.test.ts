import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allowApiOrigin, apiOriginFor } from '../../web/static-web-app-config.js';

const configText = readFileSync(new URL('../../web/public/staticwebapp.config.json', import.meta.url), 'utf8');
const config = JSON.parse(configText) as {
  navigationFallback: { rewrite: string; exclude: string[] };
  routes: Array<{ route: string; statusCode?: number }>;
  globalHeaders: Record<string, string>;
};
const connectSrc = (text: string) =>
  (JSON.parse(text) as typeof config).globalHeaders['content-security-policy']!.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));

describe('Static Web App config', () => {
  it('falls back to index.html for client routes but not for assets or the API', () => {
    expect(config.navigationFallback.rewrite).toBe('/index.html');
    expect(config.navigationFallback.exclude).toEqual(expect.arrayContaining(['/assets/*', '/v1/*']));
    expect(config.routes.find((r) => r.route === '/v1/*')?.statusCode).toBe(404);
  });

  it('sends a CSP that lets the page call the API and nothing else', () => {
    expect(connectSrc(configText)).toBe("connect-src 'self' https://*.azurewebsites.net");
    expect(config.globalHeaders['content-security-policy']).toContain("script-src 'self'");
  });

  it('adds the origin of VITE_API_BASE_URL to connect-src, once', () => {
    const origin = apiOriginFor('https://dtq-api.example.com/some/path/');
    expect(origin).toBe('https://dtq-api.example.com');
    const once = allowApiOrigin(configText, origin!);
    expect(connectSrc(once)).toBe("connect-src 'self' https://*.azurewebsites.net https://dtq-api.example.com");
    expect(allowApiOrigin(once, origin!)).toBe(once);
  });

  it('needs no extra origin for same-origin builds and rejects what is not a URL', () => {
    expect(apiOriginFor(undefined)).toBeUndefined();
    expect(apiOriginFor('')).toBeUndefined();
    expect(apiOriginFor('/api')).toBeUndefined();
    expect(() => apiOriginFor('ftp://example.com')).toThrow(/http or https/);
    expect(() => apiOriginFor('not a url')).toThrow(/VITE_API_BASE_URL/);
  });
});
