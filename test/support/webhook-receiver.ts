import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** How a path answers its nth request (0-based); `hold` never answers (the sender's deadline or death ends it). */
export type WebhookAnswerPlan = (nth: number, received: ReceivedWebhook) => { status: number; headers?: Record<string, string> } | 'hold';

/** A real node:http server on 127.0.0.1 that records every request and answers each path by its plan (200 without one). */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const plans = new Map<string, WebhookAnswerPlan>();
  const held = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
      const entry = { path, headers, body: Buffer.concat(chunks).toString('utf8') };
      const nth = received.filter((r) => r.path === path).length;
      received.push(entry);
      const plan: WebhookAnswerPlan = plans.get(path) ?? (() => ({ status: 200 }));
      const answer = plan(nth, entry);
      if (answer === 'hold') {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    plan(path: string, plan: WebhookAnswerPlan) {
      plans.set(path, plan);
    },
    at: (path: string) => received.filter((r) => r.path === path),
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
