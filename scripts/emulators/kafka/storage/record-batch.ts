/**
 * Record batch (magic v2) framing. The broker never decodes individual records:
 * it reads the batch header, keeps the produced bytes as they are and only
 * rewrites the fields outside the CRC (base offset, partition leader epoch).
 * Compressed batches therefore pass through untouched.
 *
 * Header layout (byte offsets): baseOffset int64 @0, batchLength int32 @8,
 * partitionLeaderEpoch int32 @12, magic int8 @16, crc uint32 @17,
 * attributes int16 @21, lastOffsetDelta int32 @23, baseTimestamp int64 @27,
 * maxTimestamp int64 @35, producerId int64 @43, producerEpoch int16 @51,
 * baseSequence int32 @53, recordCount int32 @57, records @61.
 */
import { ErrorCode } from '../protocol/errors.js';

export const BATCH_HEADER_BYTES = 61;
/** Bytes that precede the batchLength-counted part of a batch (baseOffset + batchLength). */
const LOG_OVERHEAD = 12;

export interface IncomingBatch {
  /** A private copy of the batch bytes, safe to store and rewrite. */
  bytes: Buffer;
  lastOffsetDelta: number;
  maxTimestamp: number;
}

export type SplitResult = { ok: true; batches: IncomingBatch[] } | { ok: false; errorCode: number; reason: string };

/** Splits a produced record set into batches, validating only what offset assignment relies on. */
export function splitRecordSet(records: Buffer): SplitResult {
  const batches: IncomingBatch[] = [];
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < BATCH_HEADER_BYTES) {
      return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, reason: 'truncated record batch header' };
    }
    const batchLength = records.readInt32BE(pos + 8);
    const total = LOG_OVERHEAD + batchLength;
    if (total < BATCH_HEADER_BYTES || pos + total > records.length) {
      return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, reason: `bad batch length ${batchLength}` };
    }
    const magic = records.readInt8(pos + 16);
    if (magic !== 2) {
      return {
        ok: false,
        errorCode: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
        reason: `message format v${magic} is not supported (only record batch v2)`,
      };
    }
    const lastOffsetDelta = records.readInt32BE(pos + 23);
    if (lastOffsetDelta < 0) {
      return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, reason: `negative lastOffsetDelta ${lastOffsetDelta}` };
    }
    const bytes = Buffer.from(records.subarray(pos, pos + total));
    batches.push({ bytes, lastOffsetDelta, maxTimestamp: Number(bytes.readBigInt64BE(35)) });
    pos += total;
  }
  if (batches.length === 0) {
    return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, reason: 'empty record set' };
  }
  return { ok: true, batches };
}

/** Stamps the broker-assigned base offset and leader epoch into a stored batch (both outside the CRC). */
export function stampBatch(bytes: Buffer, baseOffset: number, leaderEpoch: number): void {
  bytes.writeBigInt64BE(BigInt(baseOffset), 0);
  bytes.writeInt32BE(leaderEpoch, 12);
}
