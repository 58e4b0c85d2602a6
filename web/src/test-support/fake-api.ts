import { vi } from 'vitest';

type Answer = { status: number; body: unknown };

/**
 * Stands in for the network at fetch(): answers by path (query string ignored) and records each
 * URL asked for, so component tests can render views that load data without a server.
 */
export function fakeApi(answers: Record<string, Answer | (() => Answer)>) {
  const requested: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    requested.push(`${url.pathname}${url.search}`);
    const found = answers[url.pathname];
    const answer = typeof found === 'function' ? found() : found;
    if (!answer) return new Response(JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: 'no route', trace_id: 't' } }), { status: 404 });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  });
  return { requested };
}
