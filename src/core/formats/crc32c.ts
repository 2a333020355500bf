/**
 * CRC-32C (Castagnoli; TFRecord, LevelDB) and CRC-32 (IEEE; zlib, W&B `.wandb` records),
 * table-driven slicing-by-8, written by hand because the `crc-32` package measured below
 * 500 MB/s here (and needs a `subarray` per call, which costs more than the CRC itself on
 * TensorBoard's 30-60 byte records).
 *
 * Two inner loops: 8 bytes at a time as two little-endian 32-bit DataView loads (used when the
 * caller passes a DataView, or the range is long enough to pay for making one), or composed
 * from single bytes. Both give the same result; test/unit/formats/tfevents.test.ts checks them
 * against `crc-32` on random data.
 */

function makeTables(poly: number): Int32Array {
  const t = new Int32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const p = t[(s - 1) * 256 + i];
      t[s * 256 + i] = (p >>> 8) ^ t[p & 0xff];
    }
  }
  return t;
}

const T_C = makeTables(0x82f63b78);
const T_IEEE = makeTables(0xedb88320);

/** From this many bytes on, a DataView is made when the caller did not pass one. */
const VIEW_MIN = 128;

/**
 * Continue a CRC: `crc` is the finished CRC of the bytes before (0 for none), as returned by
 * this function; the result is the finished CRC of those bytes followed by `d[start, end)`.
 * `dv`, when given, must view the same bytes as `d` (same byteOffset): words are then read as
 * little-endian 32-bit loads (faster than composing them from bytes).
 */
function update(
  t: Int32Array,
  crc: number,
  d: Uint8Array,
  start: number,
  end: number,
  dv: DataView | undefined,
): number {
  let c = ~crc;
  let i = start;
  const e8 = end - 7;
  if (dv === undefined && end - start >= VIEW_MIN) dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (dv !== undefined) {
    for (; i < e8; i += 8) {
      const a = c ^ dv.getInt32(i, true);
      const b = dv.getInt32(i + 4, true);
      c =
        t[1792 + (a & 0xff)] ^
        t[1536 + ((a >>> 8) & 0xff)] ^
        t[1280 + ((a >>> 16) & 0xff)] ^
        t[1024 + (a >>> 24)] ^
        t[768 + (b & 0xff)] ^
        t[512 + ((b >>> 8) & 0xff)] ^
        t[256 + ((b >>> 16) & 0xff)] ^
        t[b >>> 24];
    }
  } else {
    for (; i < e8; i += 8) {
      const a = c ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24));
      c =
        t[1792 + (a & 0xff)] ^
        t[1536 + ((a >>> 8) & 0xff)] ^
        t[1280 + ((a >>> 16) & 0xff)] ^
        t[1024 + (a >>> 24)] ^
        t[768 + d[i + 4]] ^
        t[512 + d[i + 5]] ^
        t[256 + d[i + 6]] ^
        t[d[i + 7]];
    }
  }
  for (; i < end; i++) c = (c >>> 8) ^ t[(c ^ d[i]) & 0xff];
  return ~c >>> 0;
}

/** CRC-32C (Castagnoli) of `data[start, end)`, as an unsigned 32-bit integer. */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  return update(T_C, 0, data, start, end, undefined);
}

/** `crc32c` reading words through `dv`, a DataView of the same bytes as `data` (hot loops). */
export function crc32cView(data: Uint8Array, dv: DataView, start: number, end: number): number {
  return update(T_C, 0, data, start, end, dv);
}

/** CRC-32C of `crc`'s bytes followed by `data[start, end)` (for records split across chunks). */
export function crc32cUpdate(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  return update(T_C, crc, data, start, end, undefined);
}

/** TFRecord's mask: rotate right by 15 and add 0xa282ead8 (mod 2^32). */
export function maskCrc(c: number): number {
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** TFRecord's masked CRC-32C: rotate right by 15 and add 0xa282ead8 (mod 2^32). */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  return maskCrc(update(T_C, 0, data, start, end, undefined));
}

/**
 * Masked CRC-32C of an 8-byte little-endian length given as two 32-bit halves (a TFRecord
 * header), without reading any bytes: one slicing-by-8 step.
 */
export function maskedCrc32cOfLength(lo: number, hi: number): number {
  const t = T_C;
  const a = ~lo;
  const b = hi;
  const c =
    t[1792 + (a & 0xff)] ^
    t[1536 + ((a >>> 8) & 0xff)] ^
    t[1280 + ((a >>> 16) & 0xff)] ^
    t[1024 + (a >>> 24)] ^
    t[768 + (b & 0xff)] ^
    t[512 + ((b >>> 8) & 0xff)] ^
    t[256 + ((b >>> 16) & 0xff)] ^
    t[b >>> 24];
  return maskCrc(~c >>> 0);
}

/**
 * zlib's CRC-32 (IEEE 802.3) of `data[start, end)`, continuing from `crc` like
 * `zlib.crc32(data, crc)` (0 = fresh start).
 */
export function crc32(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  return update(T_IEEE, crc, data, start, end, undefined);
}
