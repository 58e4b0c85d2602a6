import { z } from 'zod';

/** Stable error codes. Clients branch on these, never on messages. */
export const ERROR_CODES = [
  'INVALID_JSON',
  'INVALID_BODY',
  'UNKNOWN_JOB_TYPE',
  'INVALID_PAYLOAD',
  'INVALID_QUERY',
  'INVALID_JOB_ID',
  'INVALID_IDEMPOTENCY_KEY',
  'INVALID_HOST',
  'INVALID_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'JOB_NOT_FOUND',
  'RESULT_NOT_READY',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'IDEMPOTENCY_CONFLICT',
  'JOB_NOT_CANCELLABLE',
  'JOB_NOT_RETRYABLE',
  'INVALID_DEAD_LETTER_ID',
  'DEAD_LETTER_NOT_FOUND',
  'DEAD_LETTER_INVALID',
  'DEAD_LETTER_JOB_DONE',
  'INVALID_OPERATION_ID',
  'BULK_OPERATION_NOT_FOUND',
  'INVALID_SCHEDULE_ID',
  'SCHEDULE_NOT_FOUND',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'STATUS_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'SHUTTING_DOWN',
  'INTERNAL',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);

/** The most characters of a client's own value an error repeats back (a job type, a field name, an id). */
export const ECHO_MAX_CHARS = 64;

/** A client's value as an error repeats it: cut to ECHO_MAX_CHARS, with `…` when it was cut. */
export function echoValue(value: string): string {
  return value.length > ECHO_MAX_CHARS ? `${value.slice(0, ECHO_MAX_CHARS)}…` : value;
}
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const FieldIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/** The one shape of every error the API returns. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z
      .object({ fields: z.array(FieldIssueSchema).optional() })
      .catchall(z.unknown())
      .optional(),
    trace_id: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
