/**
 * The TCP server: accepts connections, frames messages, runs commands and
 * writes replies. Each message is handled synchronously from the socket's
 * data event, so commands never interleave. A malformed message closes only
 * the connection that sent it.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { ServerState } from "./commands/context.js";
import { CursorManager } from "./cursors.js";
import { commandName, runCommand, type ConnectionInfo } from "./dispatch.js";
import type { Doc } from "./documents.js";
import { errorReply } from "./errors.js";
import { Store } from "./store.js";
import { encodeOpMsgReply, encodeOpReply, MessageReader, OP_MSG, parseRequest, ProtocolError, type Request } from "./wire.js";

export interface EmulatorServerOptions {
  host: string;
  port: number;
  log: (line: string) => void;
}

export class EmulatorServer {
  private readonly sockets = new Set<Socket>();
  private readonly tcp: Server;
  private nextConnectionId = 1;
  private totalConnections = 0;
  readonly state: ServerState;

  constructor(private readonly options: EmulatorServerOptions) {
    this.state = {
      store: new Store(),
      cursors: new CursorManager(),
      host: options.host,
      port: options.port,
      startedAt: Date.now(),
      connectionsCurrent: () => this.sockets.size,
      connectionsTotal: () => this.totalConnections,
    };
    this.tcp = createServer((socket) => this.accept(socket));
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.tcp.once("error", onError);
      this.tcp.listen(this.options.port, this.options.host, () => {
        this.tcp.off("error", onError);
        this.tcp.on("error", (err) => this.options.log(`server error: ${err.message}`));
        const address = this.tcp.address();
        const port = typeof address === "object" && address ? address.port : this.options.port;
        this.state.port = port;
        resolve({ host: this.options.host, port });
      });
    });
  }

  /** Stops listening and destroys every open connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
      this.state.cursors.clear();
      if (!this.tcp.listening) {
        resolve();
        return;
      }
      this.tcp.close(() => resolve());
    });
  }

  private accept(socket: Socket): void {
    const connection: ConnectionInfo = {
      id: this.nextConnectionId++,
      remoteAddress: `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? 0}`,
    };
    this.totalConnections++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const reader = new MessageReader();
    const log = this.options.log;
    log(`conn${connection.id} open from ${connection.remoteAddress}`);
    socket.on("data", (chunk: Buffer) => {
      try {
        for (const message of reader.push(chunk)) {
          const reply = this.handle(parseRequest(message), connection);
          if (reply && !socket.destroyed) socket.write(reply);
        }
      } catch (err) {
        const why = err instanceof ProtocolError ? err.message : `internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`;
        log(`conn${connection.id} closing: ${why}`);
        socket.destroy();
      }
    });
    socket.on("error", (err) => log(`conn${connection.id} socket error: ${err.message}`));
    socket.on("close", () => {
      this.sockets.delete(socket);
      log(`conn${connection.id} closed`);
    });
  }

  /** Runs one request and returns the encoded reply, or undefined when none is due. */
  private handle(request: Request, connection: ConnectionInfo): Buffer | undefined {
    if (request.opCode === OP_MSG) {
      const reply = this.execute(request.command, connection);
      if (request.moreToCome) return undefined;
      return encodeSafely((doc) => encodeOpMsgReply(request.requestId, doc), reply);
    }
    // Legacy OP_QUERY: only commands against `<db>.$cmd` (the handshake) are served.
    const ns = request.fullCollectionName;
    if (!ns.endsWith(".$cmd")) {
      const failure = { $err: "OP_QUERY is only supported for commands on <db>.$cmd", code: 5739101, ok: 0 };
      return encodeOpReply(request.requestId, [failure], true);
    }
    const raw = request.query;
    const unwrapped = raw.$query !== undefined && typeof raw.$query === "object" && raw.$query !== null ? (raw.$query as Doc) : raw;
    const command: Doc = { ...unwrapped, $db: ns.slice(0, -".$cmd".length) };
    const reply = this.execute(command, connection);
    return encodeSafely((doc) => encodeOpReply(request.requestId, [doc]), reply);
  }

  private execute(command: Doc, connection: ConnectionInfo): Doc {
    const reply = runCommand(this.state, command, connection);
    if (reply.ok === 0) {
      this.options.log(`conn${connection.id} ${commandName(command)} failed: ${String(reply.codeName)} ${String(reply.errmsg)}`);
    }
    return reply;
  }
}

/** Encodes a reply; a reply that cannot be encoded (e.g. too large) becomes an error reply. */
function encodeSafely(encode: (doc: Doc) => Buffer, reply: Doc): Buffer {
  try {
    return encode(reply);
  } catch (err) {
    return encode(errorReply(err));
  }
}
