/** The number of hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384;

/**
 * The cluster hash slot of a key, as Redis computes it: CRC16 (XMODEM) of the key, or of its
 * hash tag — the part between the first `{` and the next `}`, when that part is not empty —
 * modulo 16384. Keys with equal slots live on the same node and may share a command or script.
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(Buffer.from(hashed, 'utf8')) % CLUSTER_SLOTS;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
