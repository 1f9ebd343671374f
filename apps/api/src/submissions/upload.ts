import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError, type ErrorCode } from '@guichet/shared';
import type { UploadedFile } from '@guichet/submissions';

const fail = (code: ErrorCode, message?: string) =>
  new AppError(code, message ? { errors: [{ pointer: '', code: 'multipart', message }] } : {});

/**
 * The OpenAPI description of what `readUpload` reads: a `multipart/form-data` body with the `pointer` field (unless
 * `pointer` is false) then the `file`.
 */
export function ApiUpload({ pointer }: { pointer: boolean }) {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: pointer ? ['pointer', 'file'] : ['file'],
        properties: {
          ...(pointer
            ? { pointer: { type: 'string', description: 'Pointeur JSON du champ fichier, avant le fichier.' } }
            : {}),
          file: { type: 'string', format: 'binary', description: 'Le fichier ; son type est vérifié sur son contenu.' },
        },
      },
    }),
  );
}

/**
 * Reads one file upload (`multipart/form-data`: a `pointer` field naming the
 * file field — unless `options.pointer` is false — then `file`). Never buffers more than `maxBytes` + 1: past it,
 * the rest is drained and the file marked truncated (413 later).
 */
export function readUpload(
  req: Request,
  maxBytes: number,
  options: { pointer: boolean } = { pointer: true },
): Promise<{ pointer: string; file: UploadedFile }> {
  if (!/^multipart\/form-data;/i.test(req.headers['content-type'] ?? ''))
    return Promise.reject(new AppError('UNSUPPORTED_MEDIA_TYPE'));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send file names as raw UTF-8 in `filename="…"`; busboy's default reads them as latin1 (« relevÃ© »).
        defParamCharset: 'utf8',
        limits: { files: 1, fields: 4, fieldSize: 1024, fileSize: maxBytes + 1, parts: 6 },
      });
    } catch {
      return reject(fail('INVALID_REQUEST', 'Envoi de fichier mal formé.'));
    }
    let pointer: string | undefined;
    let file: UploadedFile | undefined;
    let reading: Promise<void> | undefined;
    parser.on('field', (name, value) => {
      if (name === 'pointer') pointer = value;
    });
    parser.on('file', (name, stream, info) => {
      // busboy destroys a part's stream with an error when the body ends inside it (no closing boundary): without a
      // listener that 'error' is thrown out of the event loop and ends the process. The parser's own 'error' (below)
      // answers the request.
      stream.on('error', () => undefined);
      if (name !== 'file' || file) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const current: UploadedFile = { filename: info.filename ?? 'fichier', bytes: Buffer.alloc(0), truncated: false };
      file = current;
      reading = new Promise((done) => {
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
        });
        stream.on('limit', () => (current.truncated = true));
        stream.on('close', () => {
          current.bytes = Buffer.concat(chunks);
          if (size > maxBytes) current.truncated = true;
          done();
        });
      });
    });
    parser.on('error', () => reject(fail('INVALID_REQUEST', 'Envoi de fichier mal formé.')));
    parser.on('close', () => {
      void (reading ?? Promise.resolve()).then(() => {
        if (!file) return reject(fail('INVALID_REQUEST', 'Joignez un fichier (champ « file »).'));
        if (!options.pointer) return resolve({ pointer: '', file });
        if (!pointer || !pointer.startsWith('/'))
          return reject(fail('INVALID_REQUEST', 'Indiquez le champ concerné (champ « pointer »).'));
        resolve({ pointer, file });
      });
    });
    req.pipe(parser);
  });
}
