/**
 * MongoDB wire protocol framing: the 16-byte message header, OP_MSG
 * (opcode 2013) requests and replies, and the legacy OP_QUERY (2004) request
 * with its OP_REPLY (1) answer, which older drivers use for the first
 * handshake. All integers are little-endian.
 *
 *   header:   int32 messageLength, int32 requestID, int32 responseTo, int32 opCode
 *   OP_MSG:   uint32 flagBits, sections..., [uint32 CRC-32C when checksumPresent]
 *             section kind 0: one BSON document (the command body)
 *             section kind 1: int32 size, cstring identifier, BSON documents...
 *   OP_QUERY: int32 flags, cstring fullCollectionName, int32 numberToSkip,
 *             int32 numberToReturn, BSON query, [BSON returnFieldsSelector]
 *   OP_REPLY: int32 responseFlags, int64 cursorID, int32 startingFrom,
 *             int32 numberReturned, BSON documents...
 */
import { deserialize, serialize } from "bson";
import { DECODE_OPTIONS, toWireValue, type Doc } from "./documents.js";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const HEADER_SIZE = 16;
/** Largest message accepted; the emulator advertises maxMessageSizeBytes = 48,000,000. */
export const MAX_MESSAGE_SIZE = 48_000_000;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
/** OP_REPLY responseFlags bit: the server supports awaitData (always set by servers). */
const REPLY_AWAIT_CAPABLE = 1 << 3;

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface OpMsgRequest {
  opCode: typeof OP_MSG;
  requestId: number;
  /** The client does not want a reply (flag bit 1). */
  moreToCome: boolean;
  /** The command body with every kind-1 sequence attached as an array field. */
  command: Doc;
}

export interface OpQueryRequest {
  opCode: typeof OP_QUERY;
  requestId: number;
  fullCollectionName: string;
  numberToSkip: number;
  numberToReturn: number;
  query: Doc;
}

export type Request = OpMsgRequest | OpQueryRequest;

/** Splits a byte stream into whole messages. */
export class MessageReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  /** Adds received bytes and returns every complete message now available. Throws ProtocolError on a bad length. */
  push(chunk: Buffer): Buffer[] {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.bufferedBytes < 4) break;
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        throw new ProtocolError(`invalid message length ${length}`);
      }
      if (this.bufferedBytes < length) break;
      out.push(this.take(length));
    }
    return out;
  }

  private peek(n: number): Buffer {
    const first = this.buffered[0] as Buffer;
    if (first.length >= n) return first.subarray(0, n);
    const all = Buffer.concat(this.buffered);
    this.buffered = [all];
    return all.subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.buffered.length === 1 ? (this.buffered[0] as Buffer) : Buffer.concat(this.buffered);
    const message = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    return message;
  }
}

export function readHeader(message: Buffer): MessageHeader {
  return {
    length: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

/** Decodes one whole message. Throws ProtocolError for anything malformed or unsupported. */
export function parseRequest(message: Buffer): Request {
  const header = readHeader(message);
  try {
    if (header.opCode === OP_MSG) return parseOpMsg(message, header);
    if (header.opCode === OP_QUERY) return parseOpQuery(message, header);
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError(`malformed message: ${err instanceof Error ? err.message : String(err)}`);
  }
  throw new ProtocolError(`unsupported opCode ${header.opCode}`);
}

function readDocument(buf: Buffer, offset: number, end: number): { doc: Doc; next: number } {
  if (offset + 5 > end) throw new ProtocolError("truncated BSON document");
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end || size > MAX_BSON_OBJECT_SIZE + 16 * 1024) {
    throw new ProtocolError(`invalid BSON document size ${size}`);
  }
  const doc = deserialize(buf.subarray(offset, offset + size), DECODE_OPTIONS) as Doc;
  return { doc, next: offset + size };
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError("unterminated cstring");
  return { value: buf.toString("utf8", offset, zero), next: zero + 1 };
}

function parseOpMsg(message: Buffer, header: MessageHeader): OpMsgRequest {
  if (message.length < HEADER_SIZE + 5) throw new ProtocolError("OP_MSG too short");
  const flags = message.readUInt32LE(HEADER_SIZE);
  // Required bits 0-15 other than checksumPresent and moreToCome must be clear.
  if ((flags & 0xffff & ~(FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME)) !== 0) {
    throw new ProtocolError(`unsupported OP_MSG required flag bits 0x${flags.toString(16)}`);
  }
  const end = flags & FLAG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_SIZE + 4;
  let body: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      if (body) throw new ProtocolError("OP_MSG has more than one body section");
      const read = readDocument(message, offset, end);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new ProtocolError("truncated document sequence");
      const size = message.readInt32LE(offset);
      const seqEnd = offset + size;
      if (size < 5 || seqEnd > end) throw new ProtocolError(`invalid document sequence size ${size}`);
      const id = readCString(message, offset + 4, seqEnd);
      let pos = id.next;
      const docs: Doc[] = [];
      while (pos < seqEnd) {
        const read = readDocument(message, pos, seqEnd);
        docs.push(read.doc);
        pos = read.next;
      }
      sequences.push([id.value, docs]);
      offset = seqEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${String(kind)}`);
    }
  }
  if (!body) throw new ProtocolError("OP_MSG without a body section");
  for (const [identifier, docs] of sequences) {
    if (identifier in body) throw new ProtocolError(`duplicate field '${identifier}' in body and document sequence`);
    body[identifier] = docs;
  }
  return { opCode: OP_MSG, requestId: header.requestId, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0, command: body };
}

function parseOpQuery(message: Buffer, header: MessageHeader): OpQueryRequest {
  let offset = HEADER_SIZE + 4; // skip flags
  const ns = readCString(message, offset, message.length);
  offset = ns.next;
  if (offset + 8 > message.length) throw new ProtocolError("truncated OP_QUERY");
  const numberToSkip = message.readInt32LE(offset);
  const numberToReturn = message.readInt32LE(offset + 4);
  offset += 8;
  const query = readDocument(message, offset, message.length);
  return {
    opCode: OP_QUERY,
    requestId: header.requestId,
    fullCollectionName: ns.value,
    numberToSkip,
    numberToReturn,
    query: query.doc,
  };
}

let nextRequestId = 1;
function requestId(): number {
  nextRequestId = (nextRequestId + 1) & 0x7fffffff;
  return nextRequestId;
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId(), 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

/** An OP_MSG reply: flags 0 and a single kind-0 section. */
export function encodeOpMsgReply(responseTo: number, doc: Doc): Buffer {
  const body = serialize(toWireValue(doc) as Doc);
  const prefix = Buffer.alloc(5); // flagBits (0) + section kind 0
  return Buffer.concat([header(HEADER_SIZE + prefix.length + body.length, responseTo, OP_MSG), prefix, body]);
}

/** An OP_REPLY carrying `docs`; `queryFailure` sets responseFlags bit 1. */
export function encodeOpReply(responseTo: number, docs: Doc[], queryFailure = false): Buffer {
  const bodies = docs.map((d) => serialize(toWireValue(d) as Doc));
  const fixed = Buffer.alloc(20);
  fixed.writeInt32LE(REPLY_AWAIT_CAPABLE | (queryFailure ? 1 << 1 : 0), 0);
  fixed.writeBigInt64LE(0n, 4); // cursorID
  fixed.writeInt32LE(0, 12); // startingFrom
  fixed.writeInt32LE(bodies.length, 16); // numberReturned
  const length = HEADER_SIZE + fixed.length + bodies.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([header(length, responseTo, OP_REPLY), fixed, ...bodies]);
}
