/**
 * One client connection: splits the byte stream into size-prefixed request
 * frames, starts each request as it arrives and writes responses strictly in
 * request order (a long-polling Fetch holds back the responses queued behind
 * it). A malformed frame closes this connection only.
 */
import type { Socket } from 'node:net';
import { encodeApiVersions } from './apis/api-versions.js';
import type { ApiSpec, BrokerContext, RequestContext } from './apis/context.js';
import { ApiKey } from './protocol/api-keys.js';
import { ErrorCode } from './protocol/errors.js';
import { MalformedRequestError, Reader } from './protocol/reader.js';
import { Writer } from './protocol/writer.js';

/** api_key + api_version + correlation_id + client_id length. */
const MIN_FRAME = 10;
const MAX_FRAME = 100 * 1024 * 1024;

interface Slot {
  done: boolean;
  response: Buffer | null;
}

export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being received, once its 4-byte prefix has arrived. */
  private frameSize = -1;
  private readonly queue: Slot[] = [];
  private readonly aborter = new AbortController();
  private readonly label: string;

  constructor(
    private readonly socket: Socket,
    private readonly broker: BrokerContext,
    private readonly apis: ReadonlyMap<number, ApiSpec>,
    private readonly onClosed: (c: Connection) => void,
  ) {
    this.label = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.broker.log(`connection ${this.label}: ${err.message}`));
    socket.on('close', () => {
      this.aborter.abort();
      this.onClosed(this);
    });
  }

  destroy(): void {
    this.aborter.abort();
    this.socket.destroy();
  }

  private fail(reason: string): void {
    this.broker.log(`connection ${this.label} closed: ${reason}`);
    this.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      for (;;) {
        if (this.socket.destroyed || this.buffered < 4) return;
        if (this.frameSize < 0) {
          const size = this.coalesce().readInt32BE(0);
          if (size < MIN_FRAME || size > MAX_FRAME) return this.fail(`bad frame size ${size}`);
          this.frameSize = size;
        }
        // Chunks of a large frame are only joined once the whole frame is here.
        if (this.buffered < 4 + this.frameSize) return;
        const all = this.coalesce();
        const frame = all.subarray(4, 4 + this.frameSize);
        const rest = all.subarray(4 + this.frameSize);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.buffered = rest.length;
        this.frameSize = -1;
        this.dispatch(frame);
      }
    } catch (err) {
      this.fail(`internal error: ${(err as Error).message}`);
    }
  }

  private coalesce(): Buffer {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }

  private dispatch(frame: Buffer): void {
    const slot: Slot = { done: false, response: null };
    this.queue.push(slot);
    const correlationId = frame.readInt32BE(4);
    this.handle(frame).then(
      (body) => {
        slot.response = body === null ? null : withHeader(correlationId, body.toBuffer());
        slot.done = true;
        this.flush();
      },
      (err: unknown) => {
        if (err instanceof MalformedRequestError) this.fail(`malformed request: ${err.message}`);
        else this.fail(`handler failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      },
    );
  }

  /** Runs synchronously up to the handler's first await, so side effects happen in arrival order. */
  private async handle(frame: Buffer): Promise<Writer | null> {
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const spec = this.apis.get(apiKey);
    if (!spec || apiVersion < spec.minVersion || apiVersion > spec.maxVersion) {
      this.broker.log(`unsupported request: api key ${apiKey} (${spec?.name ?? 'unknown'}) v${apiVersion}, answered with UNSUPPORTED_VERSION`);
      // KIP-511: an unsupported ApiVersions version is answered in the v0 format with the supported list.
      if (apiKey === ApiKey.ApiVersions) return encodeApiVersions(this.broker.supportedApis, ErrorCode.UNSUPPORTED_VERSION, 0);
      // Any other unknown key or version: response header plus a bare int16 error code.
      return new Writer().int16(ErrorCode.UNSUPPORTED_VERSION);
    }
    const reader = new Reader(frame.subarray(8));
    const ctx: RequestContext = {
      broker: this.broker,
      apiVersion,
      clientId: reader.nullableString() ?? '',
      clientHost: this.socket.remoteAddress ?? '',
      signal: this.aborter.signal,
    };
    return spec.handle(ctx, reader);
  }

  private flush(): void {
    while (this.queue.length > 0 && this.queue[0]!.done) {
      const slot = this.queue.shift()!;
      if (slot.response !== null && !this.socket.destroyed) this.socket.write(slot.response);
    }
  }
}

/** Response header v0 (correlation id only) in front of the body, with the size prefix. */
function withHeader(correlationId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + body.length);
  out.writeInt32BE(4 + body.length, 0);
  out.writeInt32BE(correlationId, 4);
  body.copy(out, 8);
  return out;
}
