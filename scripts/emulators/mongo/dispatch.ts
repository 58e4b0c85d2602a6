/**
 * Command dispatch: picks the handler by the body's first key, runs it, and
 * turns any failure into a server-style `ok: 0` reply. Unknown commands get
 * CommandNotFound (code 59); the connection always stays usable.
 */
import { aggregateCommands } from "./commands/aggregate.js";
import type { CommandHandler, ServerState } from "./commands/context.js";
import { findAndModifyCommands } from "./commands/find-and-modify.js";
import { handshakeCommands } from "./commands/handshake.js";
import { indexCommands } from "./commands/indexes.js";
import { namespaceCommands } from "./commands/namespaces.js";
import { readCommands } from "./commands/read.js";
import { writeCommands } from "./commands/write.js";
import type { Doc } from "./documents.js";
import { errorReply, fail } from "./errors.js";

const handlers = new Map<string, CommandHandler>();
for (const family of [
  handshakeCommands,
  readCommands,
  writeCommands,
  findAndModifyCommands,
  aggregateCommands,
  indexCommands,
  namespaceCommands,
]) {
  for (const [name, handler] of Object.entries(family)) handlers.set(name, handler);
}
handlers.set("listCommands", () => {
  const commands: Doc = {};
  for (const name of [...handlers.keys()].sort()) commands[name] = { help: "" };
  return { commands, ok: 1 };
});

/** Lower-case aliases, for clients that spell command names differently (e.g. `findandmodify`). */
const byLowerCase = new Map<string, CommandHandler>();
for (const [name, handler] of handlers) if (!byLowerCase.has(name.toLowerCase())) byLowerCase.set(name.toLowerCase(), handler);

export interface ConnectionInfo {
  id: number;
  remoteAddress: string;
}

/** Runs one command (its `$db` field names the database) and returns the reply document. */
export function runCommand(server: ServerState, body: Doc, connection: ConnectionInfo): Doc {
  try {
    const name = Object.keys(body)[0];
    if (name === undefined) throw fail("FailedToParse", "Empty command object");
    const db = body.$db;
    if (typeof db !== "string" || db.length === 0) throw fail("MissingDatabase", "OP_MSG requests require a $db argument");
    const handler = handlers.get(name) ?? byLowerCase.get(name.toLowerCase());
    if (!handler) throw fail("CommandNotFound", `no such command: '${name}'`);
    return handler({ server, name, body, db, connectionId: connection.id, remoteAddress: connection.remoteAddress });
  } catch (err) {
    return errorReply(err);
  }
}

export function commandName(body: Doc): string {
  return Object.keys(body)[0] ?? "";
}
