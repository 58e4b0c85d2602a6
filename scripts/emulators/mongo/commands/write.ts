/**
 * Write commands: insert, update, delete. Statement failures become
 * `writeErrors` entries (ordered writes stop at the first one), exactly as
 * the server reports them; the command itself still answers ok: 1.
 */
import { isPlainObject, type Doc } from "../documents.js";
import { fail, writeErrorEntry } from "../errors.js";
import { asFilter } from "../query.js";
import { executeDelete, executeUpdate, insertOne, parseUpdateStatement } from "../write-ops.js";
import { collectionName, type CommandContext, type CommandHandler } from "./context.js";

function statements(ctx: CommandContext, field: string): unknown[] {
  const value = ctx.body[field];
  if (!Array.isArray(value)) throw fail("TypeMismatch", `BSON field '${ctx.name}.${field}' is missing or is not an array`);
  if (value.length === 0) throw fail("InvalidLength", "Write batch sizes must be between 1 and 100000. Got 0 operations.");
  return value;
}

function isOrdered(ctx: CommandContext): boolean {
  return ctx.body.ordered !== false;
}

function withWriteErrors(reply: Doc, writeErrors: Doc[]): Doc {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

const insert: CommandHandler = (ctx) => {
  const coll = collectionName(ctx);
  const docs = statements(ctx, "documents");
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    try {
      insertOne(ctx.server.store, ctx.db, coll, docs[i]);
      n++;
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (isOrdered(ctx)) break;
    }
  }
  return withWriteErrors({ n, ok: 1 }, writeErrors);
};

const update: CommandHandler = (ctx) => {
  const coll = collectionName(ctx);
  const updates = statements(ctx, "updates");
  const writeErrors: Doc[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < updates.length; i++) {
    try {
      const stmt = parseUpdateStatement(updates[i]);
      const outcome = executeUpdate(ctx.server.store, ctx.db, coll, stmt);
      if (outcome.upserted) {
        upserted.push({ index: i, _id: outcome.upserted._id });
        n += 1;
      } else {
        n += outcome.matched;
        nModified += outcome.modified;
      }
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (isOrdered(ctx)) break;
    }
  }
  const reply: Doc = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  reply.ok = 1;
  return withWriteErrors(reply, writeErrors);
};

const remove: CommandHandler = (ctx) => {
  const coll = collectionName(ctx);
  const deletes = statements(ctx, "deletes");
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < deletes.length; i++) {
    try {
      const stmt = deletes[i];
      if (!isPlainObject(stmt)) throw fail("TypeMismatch", "Each delete statement must be an object");
      const filter = asFilter(stmt.q, "delete.deletes.q");
      const limit = stmt.limit;
      if (limit !== 0 && limit !== 1) throw fail("FailedToParse", "The limit field in delete objects must be 0 or 1. Got " + String(limit));
      n += executeDelete(ctx.server.store, ctx.db, coll, filter, limit);
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (isOrdered(ctx)) break;
    }
  }
  return withWriteErrors({ n, ok: 1 }, writeErrors);
};

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: remove };
