/**
 * Checks VITE_API_BASE_URL at build time: empty (same origin), a path on the same origin such
 * as `/api`, or an absolute http(s) URL of the Functions app. Returns the origin the browser
 * must be allowed to connect to, if it is another one.
 */
export function apiOriginFor(value: string | undefined): string | undefined {
  const trimmed = (value ?? '').trim();
  if (trimmed === '' || trimmed.startsWith('/')) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`VITE_API_BASE_URL must be empty, a path such as /api, or an http(s) URL; got "${trimmed}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`VITE_API_BASE_URL must use http or https; got "${trimmed}"`);
  }
  return url.origin;
}

/** Adds `origin` to the CSP's connect-src in a staticwebapp.config.json text, if it is not there. */
export function allowApiOrigin(configText: string, origin: string): string {
  return allowOrigin(configText, origin, ['connect-src']);
}

/**
 * Lets MSAL.js talk to Entra ID (`authorityOrigin`, e.g. https://login.microsoftonline.com): it
 * fetches the authority's metadata and redeems the code for tokens (connect-src), and renews
 * them in a hidden iframe that comes back to the redirect bridge on this origin (frame-src).
 */
export function allowSignIn(configText: string, authorityOrigin: string): string {
  return allowOrigin(configText, authorityOrigin, ['connect-src', 'frame-src']);
}

/** Adds `origin` to each directive (a missing one starts from 'self'), where it is not there yet. */
function allowOrigin(configText: string, origin: string, directiveNames: readonly string[]): string {
  const config = JSON.parse(configText) as { globalHeaders?: Record<string, string> };
  const csp = config.globalHeaders?.['content-security-policy'];
  if (!csp) throw new Error('staticwebapp.config.json has no content-security-policy in globalHeaders');
  const directives = csp.split(';').map((d) => d.trim());
  for (const name of directiveNames) {
    const index = directives.findIndex((d) => d.startsWith(`${name} `));
    if (index < 0 && name === 'connect-src') throw new Error('the content-security-policy has no connect-src directive');
    if (index < 0) directives.push(`${name} 'self' ${origin}`);
    else if (!directives[index]!.split(/\s+/).includes(origin)) directives[index] = `${directives[index]} ${origin}`;
  }
  config.globalHeaders!['content-security-policy'] = directives.join('; ');
  return `${JSON.stringify(config, null, 2)}\n`;
}
