import type { Response } from 'express';
import { EXPORT_MEDIA_TYPES, deskActorOf, parseExportRequest, type DeskExports } from '@guichet/desk';
import type { Actor } from '@guichet/identity';
import { contentDisposition } from '@guichet/shared';

/**
 * The requests' export, answered by the services controller's `GET …/export`
 * (shared with the designers' export) and made by the desk's libraries: here
 * so that neither controller imports the other.
 */

/** Writes to the response as fast as the client reads; a client that went away ends the export. */
function responseWriter(
  res: Response,
  head: () => void,
): { write: (chunk: string | Buffer) => Promise<void>; started: () => boolean } {
  let started = false;
  return {
    started: () => started,
    write: async (chunk) => {
      if (!started) {
        started = true;
        head();
      }
      if (res.destroyed || res.writableEnded) throw new Error('client gone');
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    },
  };
}

/**
 * `GET /api/v1/services/:slug/export?format=csv|jsonl|xlsx&…` (the route is
 * the services controller's, shared with the designers' export): streamed
 * at once when the filter holds at most EXPORT_SYNC_MAX_ROWS requests,
 * otherwise (or with `async=1`) made by a worker: 202 with the export's
 * status address.
 */
export async function answerRequestsExport(
  exports: DeskExports,
  actor: Actor,
  slug: string,
  query: Record<string, unknown>,
  res: Response,
): Promise<unknown> {
  const request = parseExportRequest(query);
  const desk = deskActorOf(actor);
  // Access and filter are checked before the first byte: once streaming, an error can no longer become a clean 4xx.
  const queued = await exports.start(slug, desk, request);
  if (queued) {
    res.status(202).setHeader('Location', queued.statusUrl).setHeader('Cache-Control', 'private, no-store');
    return queued;
  }
  const { write, started } = responseWriter(res, () =>
    res
      .status(200)
      .type(EXPORT_MEDIA_TYPES[request.format])
      .setHeader('Content-Disposition', contentDisposition('attachment', `${slug}-demandes.${request.format}`))
      .setHeader('Cache-Control', 'private, no-store'),
  );
  try {
    await exports.stream(slug, desk, request, write);
  } catch (error) {
    if (!started()) throw error;
    res.destroy(error as Error);
    return;
  }
  if (!started()) await write('');
  res.end();
}
