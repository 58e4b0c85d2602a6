import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { CallbackTargets, StoredWebhookDelivery, WebhookAnswer } from '../../core/ports/index.js';
import { withinDeadline } from '../../core/time/index.js';

/** What a receiver's answer body may be before dtq stops reading it: only its status counts. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface WebhookSenderOptions {
  /** WEBHOOK_SECRET (`whsec_<base64>`). */
  secret: string;
  /** Checks the callback URL again and gives the one address to connect to. */
  targets: CallbackTargets;
  /** The deadline of one attempt, from resolving the host to the answer's status (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  now?: () => Date;
}

/**
 * Sends one attempt of a delivery, signed per the Standard Webhooks specification with its
 * library: `webhook-id` (the same on every attempt), `webhook-timestamp` (this attempt's, in
 * seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`. The host is
 * checked and resolved again now, and the connection goes to the address that was checked (a
 * name that resolves elsewhere a moment later is never connected to); TLS still verifies the
 * certificate for the host name. A redirect is an answer like any non-2xx: never followed.
 * Never rejects: what went wrong is the answer.
 */
export function createWebhookSender(options: WebhookSenderOptions): (delivery: StoredWebhookDelivery) => Promise<WebhookAnswer> {
  const signer = new Webhook(options.secret);
  const now = options.now ?? (() => new Date());
  return async (delivery) => {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const late = new Error(`no answer within ${options.timeoutMs} ms`);
    try {
      const target = await withinDeadline(options.targets.resolve(delivery.callback_url), options.timeoutMs, () => late);
      if (!target.ok) return { error: `refused: callback_url ${target.problem}` };
      const sentAt = now();
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'dtq-webhooks',
        'webhook-id': delivery.webhook_id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signer.sign(delivery.webhook_id, sentAt, delivery.body),
      };
      return { statusCode: await post(target.url, target.address, headers, delivery.body, signal) };
    } catch (error) {
      if (signal.aborted || error === late) return { error: late.message };
      return { error: describeError(error) };
    }
  };
}

/** POSTs to `address` with the URL's host name as Host and TLS server name; answers the status once the body is read (or cut). */
function post(url: URL, address: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return new Promise<number>((resolve, reject) => {
    const req = send(
      {
        host: address,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
        signal,
        agent: false,
        ...(secure ? { servername: hostname } : {}),
      },
      (response: IncomingMessage) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on('close', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(response.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}
