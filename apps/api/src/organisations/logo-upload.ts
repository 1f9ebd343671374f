import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '@guichet/shared';

const malformed = (message: string) =>
  new AppError('INVALID_REQUEST', { errors: [{ pointer: '/file', code: 'multipart', message }] });

/**
 * Reads the one `file` part of a `multipart/form-data` upload, never holding
 * more than `maxBytes` + 1: past it, the rest is drained and 413 answered.
 */
export function readLogoUpload(req: Request, maxBytes: number): Promise<Buffer> {
  if (!/^multipart\/form-data;/i.test(req.headers['content-type'] ?? ''))
    return Promise.reject(new AppError('UNSUPPORTED_MEDIA_TYPE'));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 2, fieldSize: 1024, parts: 3 } });
    } catch {
      return reject(malformed('Envoi de fichier mal formé.'));
    }
    let bytes: Buffer | undefined;
    let tooLarge = false;
    let reading: Promise<void> | undefined;
    parser.on('file', (name, stream) => {
      // A body ending inside the part destroys its stream with an error: heard here, answered by the parser's.
      stream.on('error', () => undefined);
      if (name !== 'file' || reading) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      reading = new Promise((done) => {
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          else tooLarge = true;
        });
        stream.on('close', () => {
          bytes = Buffer.concat(chunks);
          done();
        });
      });
    });
    parser.on('error', () => reject(malformed('Envoi de fichier mal formé.')));
    parser.on('close', () => {
      void (reading ?? Promise.resolve()).then(() => {
        if (tooLarge)
          return reject(new AppError('PAYLOAD_TOO_LARGE', { params: { limit: `${Math.round(maxBytes / 1024)} Ko` } }));
        if (!bytes || bytes.length === 0) return reject(malformed('Joignez une image (champ « file »).'));
        resolve(bytes);
      });
    });
    req.pipe(parser);
  });
}
