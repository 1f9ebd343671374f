import { Readable } from 'node:stream';
import type { Request } from 'express';
import { AppError } from '@guichet/shared';
import { readLogoUpload } from '../organisations/logo-upload';
import { readUpload } from './upload';

/** A request whose body is `body`, sent in two chunks (as a network would), multipart with boundary `b`. */
function requestOf(body: string): Request {
  const half = Math.floor(body.length / 2);
  const stream = Readable.from([Buffer.from(body.slice(0, half)), Buffer.from(body.slice(half))]);
  return Object.assign(stream, {
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
  }) as unknown as Request;
}

const part = (disposition: string, content: string) =>
  `--b\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n${content}\r\n`;

describe('readUpload', () => {
  it('reads the pointer then the file', async () => {
    const upload = await readUpload(
      requestOf(part('name="pointer"', '/piece') + part('name="file"; filename="é.pdf"', '%PDF-1.4') + '--b--\r\n'),
      1024,
    );
    expect(upload.pointer).toBe('/piece');
    expect(upload.file).toMatchObject({ filename: 'é.pdf', truncated: false });
    expect(upload.file.bytes.toString()).toBe('%PDF-1.4');
  });

  it('refuses a body that ends inside a file (no closing boundary) with a 400, the process unharmed', async () => {
    const uncaught: Error[] = [];
    const listener = (error: Error) => uncaught.push(error);
    process.on('uncaughtException', listener);
    try {
      // Both multipart readers: a request's files and an organisation's logo.
      const readers = [readUpload, readLogoUpload] as Array<(req: Request, maxBytes: number) => Promise<unknown>>;
      for (const read of readers) {
        for (const name of ['file', 'autre']) {
          const body =
            part('name="pointer"', '/piece') +
            `--b\r\nContent-Disposition: form-data; name="${name}"; filename="a.pdf"\r\n\r\n%PDF-1.4 et la suite`;
          const error = await read(requestOf(body), 1024).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('INVALID_REQUEST');
        }
      }
      // An 'error' without a listener would be thrown from the event loop a tick later.
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', listener);
    }
  });
});
