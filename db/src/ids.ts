// Generated ids: UUIDv7 (RFC 9562), time-ordered so new rows land at the end of btree indexes.
import { randomFillSync } from 'node:crypto';

// Random bytes drawn from the system in blocks: one syscall per 256 ids instead of one each.
const POOL = Buffer.alloc(16 * 256);
let offset = POOL.length;

export function newId(now: number = Date.now()): string {
  if (offset + 16 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = Buffer.from(POOL.subarray(offset, offset + 16));
  offset += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
