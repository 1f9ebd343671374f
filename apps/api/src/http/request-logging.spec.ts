import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { storage, Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { httpLogOptions, requestLogging } from './request-logging';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The lines a middleware writes for these requests, in order, without their clock. */
async function linesOf(make: (stream: Writable) => Middleware): Promise<unknown[]> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const middleware = make(stream);
  const server = createServer((req, res) =>
    middleware(req, res, () => {
      // A log of the request's own, as Nest's PinoLogger writes it (from nestjs-pino's store).
      if (req.url?.includes('own')) storage.getStore()?.logger.warn({ code: 'X', email: 'lea@example.fr' }, 'own');
      if (req.url?.includes('abort')) return req.socket.destroy();
      res.statusCode = req.url?.includes('boom') ? 500 : req.url?.includes('missing') ? 404 : 200;
      res.end('{}');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const send = (path: string, headers: Record<string, string> = {}) =>
    new Promise<void>((resolve) => {
      const req = request({ port, host: '127.0.0.1', path, method: 'POST', headers }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => resolve());
      req.end('{"data":{"nom":"Dupont"}}');
    });
  await send('/api/v1/submissions/1?email=lea%40example.fr', { 'x-request-id': 'req-spec-0001' });
  await send('/api/v1/submissions/2/own', { 'x-request-id': 'req-spec-0002', authorization: 'Bearer secret' });
  await send('/api/v1/boom', { 'x-request-id': 'req-spec-0003' });
  await send('/api/v1/missing', { 'x-request-id': 'req-spec-0004' });
  await send('/health/live', { 'x-request-id': 'req-spec-0005' });
  await send('/api/v1/public/entreprises/12345678900011', { 'x-request-id': 'req-spec-0006' });
  await send('/api/v1/abort', { 'x-request-id': 'req-spec-0007' });
  await send('/api/v1/no-id');
  await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => server.close(resolve));
  return lines.map((line) => {
    const parsed = JSON.parse(line) as Record<string, unknown> & { req?: { id?: string } };
    expect(typeof parsed.time).toBe('string');
    // A generated id is random: its shape only.
    if (parsed.req?.id && !parsed.req.id.startsWith('req-spec-')) parsed.req.id = expect.stringMatching(/^[\w-]{36}$/);
    // The error made up for a 5xx is thrown by the logging code itself: its stack names that code, the rest alike.
    const err = parsed.err as { stack?: string } | undefined;
    if (err?.stack) err.stack = err.stack.split('\n')[0];
    return { ...parsed, time: '<time>', pid: '<pid>', ...('responseTime' in parsed ? { responseTime: '<ms>' } : {}) };
  });
}

describe('requestLogging', () => {
  // pino-http, then nestjs-pino's middleware that puts the request's logger in its store (as LoggerModule did).
  const pinoHttpLines = (level: 'info' | 'warn') =>
    linesOf((stream) => {
      const middleware = pinoHttp(httpLogOptions(level), stream);
      return (req, res, next) =>
        middleware(req, res, () => {
          const logs = (req as IncomingMessage & { allLogs: Logger[] }).allLogs;
          storage.run(new Store(logs[logs.length - 1]!), next);
        });
    });
  const ours = (level: 'info' | 'warn') =>
    linesOf((stream) => {
      const options = httpLogOptions(level);
      return requestLogging(pinoHttp(options, stream).logger, {
        genReqId: options.genReqId as never,
        ignore: (options.autoLogging as { ignore: (req: IncomingMessage) => boolean }).ignore,
      }) as unknown as Middleware;
    });

  it.each(['info', 'warn'] as const)(
    'writes the lines pino-http wrote, field for field (LOG_LEVEL=%s)',
    async (level) => {
      const expected = await pinoHttpLines(level);
      // The cases above all show in pino-http's lines: completed, own, errored, aborted, a generated id.
      if (level === 'info') expect(expected.length).toBe(8);
      else expect(expected.length).toBe(1);
      expect(await ours(level)).toEqual(expected);
    },
  );
});
