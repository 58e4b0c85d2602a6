import { ErrorBodySchema, type ErrorBody } from '../../contracts/index.js';
import { waitFor } from './wait-for.js';

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch that always reads the body as JSON (or text when it is not JSON). */
export async function request<T = any>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON; keep the text
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export function postJson<T = any>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  return request<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Asserts the one error shape and returns it; the trace id must match the response header. */
export function expectErrorBody(response: JsonResponse, status: number, code: string): ErrorBody['error'] {
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status} ${code}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  const parsed = ErrorBodySchema.parse(response.body);
  if (parsed.error.code !== code) throw new Error(`expected ${code}, got ${parsed.error.code}`);
  if (response.headers.get('x-trace-id') !== parsed.error.trace_id) throw new Error('trace id header differs from body');
  return parsed.error;
}

/** Polls the status endpoint until the job is terminal; returns the last status body. */
export async function waitForTerminal(baseUrl: string, jobId: string, timeoutMs = 15_000): Promise<any> {
  return waitFor(
    async () => {
      const status = await request(`${baseUrl}/v1/jobs/${jobId}/status`);
      return status.status === 200 && ['completed', 'failed'].includes(status.body.state) ? status.body : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `job ${jobId} to finish` },
  );
}

export const weatherJob = (city = 'Austin') => ({ job_type: 'weather', payload: { city, country_code: 'US', units: 'metric' } });
