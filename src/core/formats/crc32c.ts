import CRC32C from 'crc-32/crc32c';

/** CRC-32C (Castagnoli) of `data[start, end)`, as an unsigned 32-bit integer. */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  const view = start === 0 && end === data.length ? data : data.subarray(start, end);
  return CRC32C.buf(view) >>> 0;
}

/** TFRecord's masked CRC-32C: rotate right by 15 and add 0xa282ead8 (mod 2^32). */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  const c = crc32c(data, start, end);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
