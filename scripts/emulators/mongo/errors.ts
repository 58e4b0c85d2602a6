/**
 * Server-style command errors. Every failure a command handler raises is a
 * CommandError; the dispatcher turns it into an `ok: 0` reply carrying the
 * same `code` / `codeName` pair a real server would send.
 */
import type { Doc } from "./documents.js";

/** The error codes the emulator emits, with the server's code names. */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  InvalidLength: 16,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  InvalidIndexSpecificationOption: 197,
  DuplicateKey: 11000,
  UnrecognizedPipelineStage: 40324,
  MissingDatabase: 40571,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

function codeNameFor(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) {
    if (value === code) return name === "UnrecognizedPipelineStage" || name === "MissingDatabase" ? `Location${code}` : name;
  }
  return "UnknownError";
}

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra fields copied into the error reply / write error (keyPattern, keyValue, ...). */
  readonly extra: Doc;

  constructor(code: ErrorCodeName, message: string, extra: Doc = {}) {
    super(message);
    this.name = "CommandError";
    this.code = ErrorCode[code];
    this.codeName = codeNameFor(this.code);
    this.extra = extra;
  }
}

/** Shorthand used by handlers: `throw fail("BadValue", "...")`. */
export function fail(code: ErrorCodeName, message: string, extra: Doc = {}): CommandError {
  return new CommandError(code, message, extra);
}

/** The reply document for a failed command. */
export function errorReply(err: unknown): Doc {
  if (err instanceof CommandError) {
    return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName, ...err.extra };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { ok: 0, errmsg: message, code: ErrorCode.InternalError, codeName: "InternalError" };
}

/** A write error entry (`writeErrors[i]`) for a failed statement. */
export function writeErrorEntry(index: number, err: unknown): Doc {
  if (err instanceof CommandError) {
    return { index, code: err.code, errmsg: err.message, ...err.extra };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { index, code: ErrorCode.InternalError, errmsg: message };
}
