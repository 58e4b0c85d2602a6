import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HttpResponseInit } from '@azure/functions';
import { MAX_REQUEST_BODY_BYTES, type ErrorCode } from '../../contracts/index.js';
import type { Logger } from '../../core/ports/index.js';
import type { ApiDeps } from '../../api/api-deps.js';
import type { RequestAuth } from '../../api/http/request-auth.js';
import { CLIENT_ADDRESS_METADATA, type RequestLimits } from '../../api/http/request-limits.js';
import { NO_ROUTE_LABEL, countedAnswer, instrumentRoute } from '../../api/http/instrument-route.js';
import type { ApiHandler } from '../../api/http/api-request.js';
import type { HeaderReader } from '../../api/http/api-key-auth.js';
import type { RouteDefinition } from '../../api/http/route-definition.js';
import { inRequestTrace } from '../../api/http/request-trace.js';
import { errorResponse } from '../../api/http/responses.js';
import { responseBytes } from './response-bytes.js';
import { answerClientError } from './client-error.js';
import { hostHeaderProblem, requestTarget } from './request-target.js';
import { compileRoutes, matchRoute } from './route-matcher.js';
import { createStaticFiles } from './static-files.js';
import { NodeApiRequest, nodeHeaders } from './node-request.js';
import { isStreamAnswer, sendStream } from './stream-response.js';

export interface ApiServerOptions {
  routes: readonly RouteDefinition[];
  deps: ApiDeps;
  logger: Logger;
  /** Who may call routes with authLevel 'function'; none, or one that checks nothing, leaves them open. */
  auth?: RequestAuth;
  /** Limits on the job routes (requests per caller, refused credentials per address); none: unlimited. */
  limits?: RequestLimits;
  /** Folder of the built web app to serve at `/`, if any. */
  staticDir?: string;
  maxBodyBytes?: number;
}

/**
 * Bounds on what one client can hold: the whole header block within 10 s, the whole request
 * within 30 s, an idle keep-alive connection 5 s, and at most 1,024 connections at once.
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const MAX_CONNECTIONS = 1_024;

class BodyTooLarge extends Error {}

const EMPTY_BODY = Buffer.alloc(0);

/**
 * The fallback host: a plain Node HTTP server that calls the same handlers Azure calls, with a
 * request read straight from Node's (NodeApiRequest) where Azure passes its HttpRequest.
 */
export function createApiServer(options: ApiServerOptions): Server {
  const compiled = compileRoutes(options.routes);
  const handlers = new Map<RouteDefinition, ApiHandler>(
    options.routes.map((route) => [route, instrumentRoute(route, options.deps, { ...(options.auth ? { auth: options.auth } : {}), ...(options.limits ? { limits: options.limits } : {}) })]),
  );
  const limit = options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES;
  const staticFiles = options.staticDir ? createStaticFiles(options.staticDir) : undefined;

  // The Host header is checked by hostHeaderProblem, so a missing one gets dtq's own counted 400.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'fallback host failed to answer a request');
      if (!res.headersSent) void hostError(req, res, NO_ROUTE_LABEL, 'INTERNAL', 'the request could not be served');
      else res.destroy();
    });
  });
  // A request Node cannot parse never reaches the handler: it gets the same error shape, counted.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const answered = countedAnswer(options.deps.metrics, NO_ROUTE_LABEL, 'UNKNOWN');
    void answerClientError(error, socket).then((status) => status !== undefined && answered(status));
  });

  /** An error the host finds itself, counted under `label`. */
  function hostError(req: IncomingMessage, res: ServerResponse, label: string, code: ErrorCode, message: string, details?: Record<string, unknown>, headers?: Record<string, string>): Promise<void> {
    const answered = countedAnswer(options.deps.metrics, label, methodOf(req));
    return sendHostError(req, res, code, message, details, headers).then(() => answered(res.statusCode));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = methodOf(req);
    const hostProblem = hostHeaderProblem(req);
    if (hostProblem) {
      res.setHeader('connection', 'close');
      return hostError(req, res, NO_ROUTE_LABEL, 'INVALID_HOST', hostProblem);
    }
    const url = requestTarget(req);
    if (!url) return hostError(req, res, NO_ROUTE_LABEL, 'INVALID_REQUEST', 'the request target is not a path');
    const match = matchRoute(compiled, method, url.pathname);
    if (match.kind === 'none') {
      if ((method === 'GET' || method === 'HEAD') && staticFiles) {
        const answered = countedAnswer(options.deps.metrics, STATIC_LABEL, method);
        if (await staticFiles(req, res, url.pathname)) return answered(res.statusCode);
      }
      return hostError(req, res, NO_ROUTE_LABEL, 'ROUTE_NOT_FOUND', `no route ${method} ${url.pathname}`);
    }
    const label = `/${match.route.definition.route}`;
    if (match.kind === 'wrong-method') {
      const allow = [...new Set(match.allowed)].join(', ');
      return hostError(req, res, label, 'METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allow}`, undefined, { allow });
    }
    const headers = nodeHeaders(req.headers);
    let body: Buffer = EMPTY_BODY;
    try {
      if (refusedOnHeaders(options.auth, match.route.definition, headers)) res.setHeader('connection', 'close');
      else body = await readBody(req, limit);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      res.setHeader('connection', 'close');
      return hostError(req, res, label, 'PAYLOAD_TOO_LARGE', `request body exceeds ${limit} bytes`, { limit_bytes: limit });
    }
    const request = new NodeApiRequest({ method, target: url, headers, params: match.params, body });
    const invocation = {
      invocationId: randomUUID(),
      functionName: match.route.definition.name,
      // The socket's address, for the limits per client: never a header a client could write.
      triggerMetadata: { [CLIENT_ADDRESS_METADATA]: req.socket.remoteAddress ?? 'unknown' },
    };
    const answer = await handlers.get(match.route.definition)!(request, invocation);
    if (isStreamAnswer(answer)) return sendStream(res, answer, options.logger);
    await send(res, answer);
  }

  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;
  return server;
}

/**
 * Whether the request may be refused on its headers alone: a route that needs a key and a
 * request that carries no good one. Its body is then never read (a keyless client cannot make
 * the host buffer megabytes), and the handler answers the 401/403 as it always does.
 */
function refusedOnHeaders(auth: RequestAuth | undefined, route: RouteDefinition, headers: HeaderReader): boolean {
  // An event route may carry its key in the query; it has no body to spare reading anyway.
  if (!auth?.enabled || route.authLevel !== 'function' || route.credentialsInQuery) return false;
  try {
    auth.verify(headers);
    return false;
  } catch {
    return true;
  }
}

/** The route label of the web UI's files, for the request counter. */
const STATIC_LABEL = '(static)';

/** Answers an error the host finds itself (no route, wrong method, body too large) under the request's trace. */
function sendHostError(
  req: IncomingMessage,
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<void> {
  return inRequestTrace(nodeHeaders(req.headers), { name: `${req.method ?? 'GET'} (no route)` }, (trace) =>
    send(res, errorResponse(code, message, trace.traceId, details, { ...trace.responseHeaders, ...headers })),
  );
}

function methodOf(req: IncomingMessage): string {
  return (req.method ?? 'GET').toUpperCase();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.reject(new BodyTooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function send(res: ServerResponse, init: HttpResponseInit): Promise<void> {
  const { status, headers, body } = await responseBytes(init);
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}
