/**
 * Identifier generators of `util`: `autoId` (UUID v4), `autoUlid` (ULID) and `autoKsuid` (KSUID).
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** `util.autoId`: a random (version 4) UUID in lower-case hex, e.g. `0d7d8d1c-5b6a-4b8e-9c1f-2a3b4c5d6e7f`. */
export function autoId(): string {
  return randomUUID();
}

// Drawing random bytes in bulk: one randomBytes call per id costs more than the rest of the id.
const RANDOM_POOL_SIZE = 4096;
let randomPool = randomBytes(RANDOM_POOL_SIZE);
let randomPoolOffset = 0;

function pooledRandomBytes(length: number): Uint8Array {
  if (randomPoolOffset + length > RANDOM_POOL_SIZE) {
    randomPool = randomBytes(RANDOM_POOL_SIZE);
    randomPoolOffset = 0;
  }
  const bytes = randomPool.subarray(randomPoolOffset, randomPoolOffset + length);
  randomPoolOffset += length;
  return bytes;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_TIME_CHARS = 10;
const ULID_RANDOM_BYTES = 10;
const ULID_MAX_TIME = 2 ** 48 - 1;

/**
 * Makes ULIDs (26 Crockford base32 characters: 48-bit millisecond time, 80 random bits). Within one millisecond
 * the random part is incremented instead of redrawn, and a clock that steps back is ignored, so ids from one
 * generator sort in creation order (chat message ids rely on this).
 */
export class UlidGenerator {
  private lastTime = -1;
  private readonly lastRandom = new Uint8Array(ULID_RANDOM_BYTES);

  /** The next ULID; `now` is the current epoch millisecond time. */
  next(now: number = Date.now()): string {
    let time = Math.max(Math.floor(now), this.lastTime);
    if (time === this.lastTime && !this.incrementRandom()) time += 1;
    if (time !== this.lastTime) this.lastRandom.set(pooledRandomBytes(ULID_RANDOM_BYTES));
    if (time > ULID_MAX_TIME) throw new RangeError('ULID time overflow');
    this.lastTime = time;
    return encodeTime(time) + encodeRandom(this.lastRandom);
  }

  /** Adds one to the 80-bit random part; false when it wrapped around to zero. */
  private incrementRandom(): boolean {
    for (let i = ULID_RANDOM_BYTES - 1; i >= 0; i -= 1) {
      const byte = this.lastRandom[i] ?? 0;
      if (byte < 0xff) {
        this.lastRandom[i] = byte + 1;
        return true;
      }
      this.lastRandom[i] = 0;
    }
    return false;
  }
}

function encodeTime(time: number): string {
  let out = '';
  let rest = time;
  for (let i = 0; i < ULID_TIME_CHARS; i += 1) {
    out = CROCKFORD.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits read 5 at a time, most significant first.
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD.charAt((buffer >> bits) & 31);
    }
  }
  return out;
}

const processUlids = new UlidGenerator();

/** `util.autoUlid`: a ULID from the process-wide generator (monotonic across all resolvers). */
export function autoUlid(): string {
  return processUlids.next();
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** KSUID timestamps count seconds from 2014-05-13T16:53:20Z. */
export const KSUID_EPOCH_SECONDS = 1_400_000_000;
const KSUID_LENGTH = 27;

/**
 * `util.autoKsuid`: a KSUID — 4 bytes of seconds since {@link KSUID_EPOCH_SECONDS} and 16 random bytes, as 27
 * base62 characters (`0-9A-Za-z`), left-padded with `0`.
 */
export function autoKsuid(now: number = Date.now()): string {
  const seconds = Math.floor(now / 1000) - KSUID_EPOCH_SECONDS;
  let value = BigInt(seconds >>> 0);
  for (const byte of pooledRandomBytes(16)) value = (value << 8n) | BigInt(byte);
  let out = '';
  while (value > 0n) {
    out = BASE62.charAt(Number(value % 62n)) + out;
    value /= 62n;
  }
  return out.padStart(KSUID_LENGTH, '0');
}
