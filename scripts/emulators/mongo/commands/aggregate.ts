/**
 * aggregate: runs the pipeline with mingo over the collection (or over no
 * input for `aggregate: 1`) and returns the result through a cursor. Stages
 * that write or need server internals ($out, $merge, $changeStream, ...) are
 * rejected.
 */
import { fail } from "../errors.js";
import { runPipeline } from "../query.js";
import { cursorBatchSize, firstBatchReply, optionalDoc, type CommandHandler } from "./context.js";

const aggregate: CommandHandler = (ctx) => {
  const target = ctx.body.aggregate;
  const isCollection = typeof target === "string" && target.length > 0;
  if (!isCollection && target !== 1) {
    throw fail("InvalidNamespace", "aggregate requires a collection name or the number 1");
  }
  if (ctx.body.explain === true) throw fail("CommandNotSupported", "explain is not supported by the dtq mongo emulator");
  if (optionalDoc(ctx.body, "cursor", "aggregate") === undefined) {
    throw fail("FailedToParse", "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const batchSize = cursorBatchSize(ctx.body, "aggregate");
  const store = ctx.server.store;
  const source = isCollection ? (store.get(ctx.db, target)?.all() ?? []) : [];
  const docs = runPipeline(source, ctx.body.pipeline, {
    resolveCollection: (name) => store.get(ctx.db, name)?.all() ?? [],
    variables: optionalDoc(ctx.body, "let", "aggregate"),
  });
  const ns = isCollection ? `${ctx.db}.${target}` : `${ctx.db}.$cmd.aggregate`;
  return firstBatchReply(ctx.server.cursors.openCursor(ns, docs, batchSize, false));
};

export const aggregateCommands: Record<string, CommandHandler> = { aggregate };
