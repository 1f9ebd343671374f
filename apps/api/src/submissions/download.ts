import type { Readable } from 'node:stream';
import type { Response } from 'express';

/** Streams a stored file as a download: its own type, never sniffed, never cached, never shown inline. */
export function sendDownload(
  res: Response,
  file: { stream: Readable; mediaType: string; filename: string; bytes: number },
): void {
  res
    .type(file.mediaType)
    .setHeader('Content-Length', String(file.bytes))
    .setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
    .setHeader('Cache-Control', 'private, no-store')
    .setHeader('X-Content-Type-Options', 'nosniff');
  file.stream.on('error', () => res.destroy());
  file.stream.pipe(res);
}
