import { adler32 } from './checksums.js';

/*
 * A small raw-deflate encoder (RFC 1951) using only the fixed Huffman code: greedy LZ77 over a
 * 32 KiB window with hash chains. It compresses filtered image rows (long runs, repeated rows)
 * well, needs no tables to transmit, and is short enough to check by reading.
 */

const WINDOW = 32768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const HASH_BITS = 15;
const HASH_SIZE = 1 << HASH_BITS;
// Longer chains find slightly better matches at a steep cost; 32 keeps encoding linear-ish.
const MAX_CHAIN = 32;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];

/** Index into LENGTH_BASE for every match length 3..258. */
const LENGTH_CODE = new Uint8Array(MAX_MATCH + 1);
for (let code = 0; code < LENGTH_BASE.length; code++) {
  const base = LENGTH_BASE[code]!;
  const end = code + 1 < LENGTH_BASE.length ? LENGTH_BASE[code + 1]! : MAX_MATCH + 1;
  for (let len = base; len < end && len <= MAX_MATCH; len++) LENGTH_CODE[len] = code;
}
// 258 has its own code (285) even though 227 + 31 would also reach it.
LENGTH_CODE[MAX_MATCH] = 28;

function distCode(dist: number): number {
  let lo = 0;
  let hi = DIST_BASE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (DIST_BASE[mid]! <= dist) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

class BitWriter {
  private buf: Uint8Array;
  private pos = 0;
  private bitBuf = 0;
  private bitCount = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }

  /** Writes `count` bits of `value`, least significant first (deflate's bit order for data). */
  bits(value: number, count: number): void {
    this.bitBuf |= value << this.bitCount;
    this.bitCount += count;
    while (this.bitCount >= 8) {
      this.byte(this.bitBuf & 0xff);
      this.bitBuf >>>= 8;
      this.bitCount -= 8;
    }
  }

  /** Writes a Huffman code, which deflate stores most significant bit first. */
  code(code: number, length: number): void {
    let reversed = 0;
    for (let i = 0; i < length; i++) {
      reversed = (reversed << 1) | (code & 1);
      code >>>= 1;
    }
    this.bits(reversed, length);
  }

  byte(b: number): void {
    if (this.pos === this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.pos++] = b;
  }

  flush(): void {
    if (this.bitCount > 0) this.byte(this.bitBuf & 0xff);
    this.bitBuf = 0;
    this.bitCount = 0;
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Fixed literal/length code (RFC 1951, 3.2.6). */
function writeLiteral(out: BitWriter, symbol: number): void {
  if (symbol < 144) out.code(0x30 + symbol, 8);
  else if (symbol < 256) out.code(0x190 + symbol - 144, 9);
  else if (symbol < 280) out.code(symbol - 256, 7);
  else out.code(0xc0 + symbol - 280, 8);
}

function writeMatch(out: BitWriter, length: number, dist: number): void {
  const lc = LENGTH_CODE[length]!;
  writeLiteral(out, 257 + lc);
  if (LENGTH_EXTRA[lc]! > 0) out.bits(length - LENGTH_BASE[lc]!, LENGTH_EXTRA[lc]!);
  const dc = distCode(dist);
  out.code(dc, 5);
  if (DIST_EXTRA[dc]! > 0) out.bits(dist - DIST_BASE[dc]!, DIST_EXTRA[dc]!);
}

function hash3(data: Uint8Array, i: number): number {
  return (
    (((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!) * 2654435761) >>> (32 - HASH_BITS)
  );
}

/** Raw deflate stream of `data`: one final block with fixed Huffman codes. */
export function deflateRaw(data: Uint8Array): Uint8Array {
  const out = new BitWriter((data.length >> 2) + 1024);
  out.bits(1, 1); // BFINAL
  out.bits(1, 2); // BTYPE = 01, fixed Huffman
  const head = new Int32Array(HASH_SIZE).fill(-1);
  const prev = new Int32Array(WINDOW);
  const n = data.length;
  const insert = (i: number): void => {
    const h = hash3(data, i);
    prev[i & (WINDOW - 1)] = head[h]!;
    head[h] = i;
  };
  let i = 0;
  while (i < n) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + MIN_MATCH <= n) {
      const maxLen = Math.min(MAX_MATCH, n - i);
      let candidate = head[hash3(data, i)]!;
      let chain = MAX_CHAIN;
      while (candidate >= 0 && i - candidate <= WINDOW && chain-- > 0) {
        if (data[candidate + bestLen] === data[i + bestLen]) {
          let len = 0;
          while (len < maxLen && data[candidate + len] === data[i + len]) len++;
          if (len > bestLen) {
            bestLen = len;
            bestDist = i - candidate;
            if (len === maxLen) break;
          }
        }
        const next = prev[candidate & (WINDOW - 1)]!;
        // A stale slot (overwritten by a newer position) would point forward: stop there.
        if (next >= candidate) break;
        candidate = next;
      }
    }
    if (bestLen >= MIN_MATCH) {
      writeMatch(out, bestLen, bestDist);
      const end = Math.min(i + bestLen, n - MIN_MATCH + 1);
      for (let k = i; k < end; k++) insert(k);
      i += bestLen;
    } else {
      writeLiteral(out, data[i]!);
      if (i + MIN_MATCH <= n) insert(i);
      i++;
    }
  }
  writeLiteral(out, 256); // end of block
  out.flush();
  return out.result();
}

/** zlib stream (RFC 1950): header, raw deflate, Adler-32 of the uncompressed data. */
export function zlibCompress(data: Uint8Array): Uint8Array {
  const body = deflateRaw(data);
  const out = new Uint8Array(body.length + 6);
  // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes (CMF*256 + FLG) % 31 == 0, level "fastest".
  out[0] = 0x78;
  out[1] = 0x01;
  out.set(body, 2);
  const a = adler32(data);
  const end = body.length + 2;
  out[end] = a >>> 24;
  out[end + 1] = (a >>> 16) & 0xff;
  out[end + 2] = (a >>> 8) & 0xff;
  out[end + 3] = a & 0xff;
  return out;
}
