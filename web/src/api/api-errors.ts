import { ErrorBodySchema, type ErrorCode, type FieldIssue } from '../../../contracts/errors.js';

/** The API answered with its error body: a stable code, words, and the fields concerned. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: FieldIssue[];
  readonly traceId: string;

  constructor(options: { status: number; code: ErrorCode; message: string; fields?: FieldIssue[]; traceId: string }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.fields = options.fields ?? [];
    this.traceId = options.traceId;
  }
}

/** No usable answer: the request never arrived, or something other than the dtq API replied. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** Reads an error response; anything without the API's error shape becomes a NetworkError. */
export async function toApiError(response: Response): Promise<ApiError | NetworkError> {
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = ErrorBodySchema.safeParse(json);
  // App Service Authentication answers a token it refuses with a bare 401 of its own.
  if (!body.success && response.status === 401) {
    return new ApiError({ status: 401, code: 'UNAUTHORIZED', message: 'the API did not accept the sign-in', traceId: response.headers.get('x-trace-id') ?? '' });
  }
  if (!body.success) {
    return new NetworkError(`the server answered ${response.status} ${response.statusText || ''} without a dtq error body`.trim());
  }
  const { code, message, details, trace_id } = body.data.error;
  return new ApiError({ status: response.status, code, message, fields: details?.fields ?? [], traceId: trace_id });
}

export function isApiError(error: unknown, code?: ErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** One sentence for any error the UI may meet. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof NetworkError) return `Could not reach the dtq API: ${error.message}`;
  // MSAL's errors carry a stable errorCode; their messages are only links.
  const msalCode = (error as { errorCode?: unknown } | null)?.errorCode;
  if (typeof msalCode === 'string' && msalCode) return `Signing in with Microsoft Entra ID failed (${msalCode})`;
  return error instanceof Error ? error.message : String(error);
}
