/**
 * A tiny raw Kafka wire client for tests: hand-encodes requests and hands back
 * response bodies, so the tests can poke at the emulator below what kafkajs
 * does (unsupported keys, pipelining, silent group members). It shares no code
 * with the emulator on purpose.
 */
import { connect, type Socket } from 'node:net';

export const enc = {
  int8: (v: number): Buffer => Buffer.from([v & 0xff]),
  int16(v: number): Buffer {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return b;
  },
  int32(v: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return b;
  },
  int64(v: number): Buffer {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return b;
  },
  str(v: string | null): Buffer {
    if (v === null) return enc.int16(-1);
    const s = Buffer.from(v, 'utf8');
    return Buffer.concat([enc.int16(s.length), s]);
  },
  bytes(v: Buffer): Buffer {
    return Buffer.concat([enc.int32(v.length), v]);
  },
  array<T>(items: readonly T[], each: (item: T) => Buffer): Buffer {
    return Buffer.concat([enc.int32(items.length), ...items.map(each)]);
  },
};

export class Cursor {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  int8(): number {
    return this.buf.readInt8((this.pos += 1) - 1);
  }
  int16(): number {
    return this.buf.readInt16BE((this.pos += 2) - 2);
  }
  int32(): number {
    return this.buf.readInt32BE((this.pos += 4) - 4);
  }
  int64(): number {
    return Number(this.buf.readBigInt64BE((this.pos += 8) - 8));
  }
  str(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return this.buf.toString('utf8', this.pos, (this.pos += n));
  }
  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    return this.buf.subarray(this.pos, (this.pos += n));
  }
  array<T>(each: (c: Cursor) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this));
    return out;
  }
}

export class RawKafkaClient {
  private nextCorrelationId = 1;
  private readonly waiting = new Map<number, (body: Buffer) => void>();
  private buffered = Buffer.alloc(0);
  /** Correlation ids in the order their responses arrived. */
  readonly arrivals: number[] = [];
  /** Resolves when the server (or we) closed the socket. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const correlationId = this.buffered.readInt32BE(4);
        const body = this.buffered.subarray(8, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.arrivals.push(correlationId);
        this.waiting.get(correlationId)?.(body);
        this.waiting.delete(correlationId);
      }
    });
  }

  static connect(host: string, port: number): Promise<RawKafkaClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new RawKafkaClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends a request with header v1 and resolves with the response body (after the correlation id). */
  request(apiKey: number, apiVersion: number, body: Buffer): { correlationId: number; response: Promise<Buffer> } {
    const correlationId = this.nextCorrelationId++;
    const header = Buffer.concat([enc.int16(apiKey), enc.int16(apiVersion), enc.int32(correlationId), enc.str('raw-test')]);
    const response = new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(correlationId, resolve);
      void this.closed.then(() => reject(new Error(`connection closed before response to correlation id ${correlationId}`)));
    });
    this.sendRaw(Buffer.concat([enc.int32(header.length + body.length), header, body]));
    return { correlationId, response };
  }

  call(apiKey: number, apiVersion: number, body: Buffer): Promise<Cursor> {
    return this.request(apiKey, apiVersion, body).response.then((b) => new Cursor(b));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}
