/** One path segment as RFC 6901 writes it: `~` → `~0`, `/` → `~1`. */
export function encodePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** One RFC 6901 segment read back: `~1` → `/` first, then `~0` → `~` (so `~01` is `~1`, not `/`). */
export function decodePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Builds an RFC 6901 JSON pointer from path segments (`~` and `/` escaped). */
export function toJsonPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => '/' + encodePointerSegment(s)).join('');
}

/** Splits an RFC 6901 JSON pointer into its unescaped segments. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`Not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(decodePointerSegment);
}
