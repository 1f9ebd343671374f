import type { Readable } from 'node:stream';
import type { Response } from 'express';
import { contentDisposition } from '@guichet/shared';

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
