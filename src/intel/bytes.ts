/** Small helpers for reading ASCII text straight from bytes, without building strings first. */

/** Node's latin1 decoder without Buffer#toString's argument checks (a hot path of the readers). */
type Latin1 = { latin1Slice(start: number, end: number): string };

/** Bytes [start, end) as a string, one character a byte (exact for ASCII). */
export function latin1(bytes: Buffer, start: number, end: number): string {
  return (bytes as unknown as Latin1).latin1Slice(start, end);
}

/** Whether bytes [start, end) spell `word` (ASCII). */
export function bytesEqual(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** A field an export writes for null: empty or `None`. */
export function isNullBytes(bytes: Uint8Array, start: number, end: number): boolean {
  return (
    start === end ||
    (end - start === 4 &&
      bytes[start] === 78 /* N */ &&
      bytes[start + 1] === 111 /* o */ &&
      bytes[start + 2] === 110 /* n */ &&
      bytes[start + 3] === 101) /* e */
  );
}
