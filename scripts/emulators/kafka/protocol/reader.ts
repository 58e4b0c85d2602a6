/**
 * Reads the fixed-width (non-flexible) Kafka wire types from a request body.
 * Any read past the end throws MalformedRequestError so the connection can be
 * closed without touching the rest of the broker.
 */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}

export class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private take(n: number): number {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new MalformedRequestError(`request truncated: wanted ${n} bytes at offset ${this.pos} of ${this.buf.length}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  /** Offsets and timestamps stay far below 2^53 in a test broker, so numbers are fine. */
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.take(8)));
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < -1) throw new MalformedRequestError(`negative string length ${len}`);
    const at = this.take(len);
    return this.buf.toString('utf8', at, at + len);
  }

  /** A non-nullable string; a null on the wire is read as the empty string. */
  string(): string {
    return this.nullableString() ?? '';
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < -1) throw new MalformedRequestError(`negative bytes length ${len}`);
    const at = this.take(len);
    return this.buf.subarray(at, at + len);
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const count = this.int32();
    if (count === -1) return null;
    // Every element takes at least one byte; a larger count is a lie we refuse to allocate for.
    if (count < -1 || count > this.remaining) {
      throw new MalformedRequestError(`bad array length ${count} with ${this.remaining} bytes left`);
    }
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(item(this));
    return out;
  }

  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }

  int32Array(): number[] {
    return this.array((r) => r.int32());
  }

  stringArray(): string[] {
    return this.array((r) => r.string());
  }
}
