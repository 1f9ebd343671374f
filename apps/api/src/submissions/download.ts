import type { Readable } from 'node:stream';
import type { Response } from 'express';

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
    .setHeader(
      'Content-Disposition',
      `${options.inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    )
    .setHeader('Cache-Control', 'private, no-store')
    .setHeader('X-Content-Type-Options', 'nosniff');
  if (options.inline) res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  file.stream.on('error', () => res.destroy());
  file.stream.pipe(res);
}
