/**
 * A minimal raw wire-protocol client for protocol-level tests: builds
 * OP_MSG / OP_QUERY requests by hand and reads whole replies off a socket.
 * Deliberately independent of the emulator's own framing code.
 */
import { deserialize, serialize, type Document } from "bson";
import { connect, type Socket } from "node:net";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

function header(length: number, requestId: number, opCode: number): Buffer {
  const buf = Buffer.alloc(16);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(0, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

export interface OpMsgOptions {
  flags?: number;
  sequences?: Record<string, Document[]>;
  /** Append a (dummy) 4-byte checksum and set the checksumPresent flag. */
  checksum?: boolean;
}

export function opMsg(requestId: number, body: Document, options: OpMsgOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [id, docs] of Object.entries(options.sequences ?? {})) {
    const ident = Buffer.from(`${id}\0`, "utf8");
    const payload = Buffer.concat(docs.map((d) => Buffer.from(serialize(d))));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + ident.length + payload.length, 0);
    parts.push(Buffer.from([1]), size, ident, payload);
  }
  if (options.checksum) parts.push(Buffer.alloc(4));
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE(((options.flags ?? 0) | (options.checksum ? 1 : 0)) >>> 0, 0);
  const rest = Buffer.concat([flags, ...parts]);
  return Buffer.concat([header(16 + rest.length, requestId, OP_MSG), rest]);
}

export function opQuery(requestId: number, ns: string, query: Document): Buffer {
  const flags = Buffer.alloc(4);
  const name = Buffer.from(`${ns}\0`, "utf8");
  const skipReturn = Buffer.alloc(8);
  skipReturn.writeInt32LE(0, 0);
  skipReturn.writeInt32LE(-1, 4);
  const rest = Buffer.concat([flags, name, skipReturn, Buffer.from(serialize(query))]);
  return Buffer.concat([header(16 + rest.length, requestId, OP_QUERY), rest]);
}

export interface Reply {
  responseTo: number;
  opCode: number;
  flags: number;
  docs: Document[];
}

/** int64 values stay Long, so tests see the wire types the emulator sent. */
const DECODE = { promoteLongs: false } as const;

export function parseReply(buf: Buffer): Reply {
  const responseTo = buf.readInt32LE(8);
  const opCode = buf.readInt32LE(12);
  if (opCode === OP_MSG) {
    const flags = buf.readUInt32LE(16);
    if (buf[20] !== 0) throw new Error(`unexpected section kind ${String(buf[20])}`);
    return { responseTo, opCode, flags, docs: [deserialize(buf.subarray(21), DECODE)] };
  }
  if (opCode === OP_REPLY) {
    const flags = buf.readInt32LE(16);
    const count = buf.readInt32LE(32);
    const docs: Document[] = [];
    let offset = 36;
    for (let i = 0; i < count; i++) {
      const size = buf.readInt32LE(offset);
      docs.push(deserialize(buf.subarray(offset, offset + size), DECODE));
      offset += size;
    }
    return { responseTo, opCode, flags, docs };
  }
  throw new Error(`unexpected reply opCode ${opCode}`);
}

/** One raw TCP connection; replies are queued and handed out in order. */
export class RawConnection {
  private pending = Buffer.alloc(0);
  private readonly replies: Buffer[] = [];
  private readonly waiters: Array<{ resolve: (b: Buffer) => void; reject: (e: Error) => void }> = [];
  private ended = false;
  /** Resolves when the server (or we) closed the socket. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 4 && this.pending.length >= this.pending.readInt32LE(0)) {
        const len = this.pending.readInt32LE(0);
        const msg = this.pending.subarray(0, len);
        this.pending = this.pending.subarray(len);
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(msg);
        else this.replies.push(msg);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w.reject(new Error("connection closed"));
    });
  }

  static open(port: number, host = "127.0.0.1"): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  send(message: Buffer): void {
    this.socket.write(message);
  }

  next(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(parseReply(ready));
    if (this.ended) return Promise.reject(new Error("connection closed"));
    return new Promise<Buffer>((resolve, reject) => this.waiters.push({ resolve, reject })).then(parseReply);
  }

  /** Sends an OP_MSG command and returns its reply document. */
  async command(requestId: number, body: Document, options?: OpMsgOptions): Promise<Document> {
    this.send(opMsg(requestId, body, options));
    const reply = await this.next();
    if (reply.responseTo !== requestId) throw new Error(`reply to ${reply.responseTo}, expected ${requestId}`);
    return reply.docs[0] as Document;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
