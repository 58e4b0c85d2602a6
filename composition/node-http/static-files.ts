import type { IncomingMessage, ServerResponse } from 'node:http';
import serveStatic from 'serve-static';
import { isUiRoute } from '../../contracts/index.js';
import { readUiHeaders } from './ui-headers.js';

/** Answers true when it served the request, false when the path is not one of the web app's. */
export type StaticFiles = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;

/**
 * Serves the built web app with serve-static, which streams each file with its length, ETag and
 * ranges and destroys the file stream when the client goes away (a hand-written `.pipe` leaked a
 * descriptor per abandoned download). The UI's own routes (`/`, `/jobs/{id}`) get index.html so
 * a reload works; every other path falls through to the API's JSON 404. Every file goes out with
 * the Static Web App's headers (CSP, framing, nosniff, referrer policy; see ui-headers.ts), on a
 * 304 too.
 */
export function createStaticFiles(root: string): StaticFiles {
  const uiHeaders = readUiHeaders(root);
  const files = serveStatic(root, {
    index: false,
    redirect: false,
    fallthrough: true,
    dotfiles: 'ignore',
    setHeaders: (res, path) => {
      for (const [name, value] of Object.entries(uiHeaders)) res.setHeader(name, value);
      // Vite names files under assets/ by their content hash: they never change.
      const immutable = /[\\/]assets[\\/]/.test(path.slice(root.length));
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const serve = (req: IncomingMessage, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve, reject) => {
      res.once('finish', () => resolve(true));
      res.once('close', () => resolve(true));
      files(req, res, (error?: unknown) => {
        const status = (error as { status?: number } | undefined)?.status;
        if (error && (status === undefined || status >= 500)) reject(error);
        else resolve(false);
      });
    });
  return async (req, res, pathname) => {
    if (await serve(req, res)) return true;
    if (!isUiRoute(pathname)) return false;
    const original = req.url;
    req.url = '/index.html';
    try {
      return await serve(req, res);
    } finally {
      req.url = original;
    }
  };
}
