/** InitProducerId (key 22), v0-v1: hands out producer ids; no idempotence or transaction semantics. */
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import type { RequestContext } from './context.js';

export function handleInitProducerId(ctx: RequestContext, r: Reader): Writer {
  r.nullableString(); // transactional_id
  r.int32(); // transaction_timeout_ms
  const producerId = ctx.broker.nextProducerId++;
  return new Writer().int32(0).int16(ErrorCode.NONE).int64(producerId).int16(0);
}
