import type { Readable } from 'node:stream';
import type { Response } from 'express';

/**
 * `Content-Disposition` for any file name (RFC 6266): an ASCII `filename`
 * for old clients (accents folded, anything else `_`) and the exact name in
 * `filename*` (RFC 8187: UTF-8, percent-encoded, `'()*` included, which
 * encodeURIComponent leaves as they are but the grammar does not allow).
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii =
    filename
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'fichier';
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/**
 * Streams a stored file as a download: its own type, never sniffed, never
 * cached. Shown inline only when asked (agents' PDF preview), then in a
 * sandbox with nothing allowed: no script, no form, no request of its own.
 */
export function sendDownload(
  res: Response,
  file: { stream: Readable; mediaType: string; filename: string; bytes: number },
  options: { inline?: boolean } = {},
): void {
  res
    .type(file.mediaType)
    .setHeader('Content-Length', String(file.bytes))
    .setHeader('Content-Disposition', contentDisposition(options.inline ? 'inline' : 'attachment', file.filename))
    .setHeader('Cache-Control', 'private, no-store')
    .setHeader('X-Content-Type-Options', 'nosniff');
  // Inline, the file is a document of its own in a sandbox (no script, no form, no request); the desk's pages
  // (this origin only) may frame it to preview it, nothing else may.
  if (options.inline) {
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; frame-ancestors 'self'");
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  }
  file.stream.on('error', () => res.destroy());
  file.stream.pipe(res);
}
