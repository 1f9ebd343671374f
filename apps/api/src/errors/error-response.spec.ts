import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { AppError } from '@guichet/shared';
import { toErrorResponse } from './error-response';
import { requestLocale } from './locale';

describe('toErrorResponse', () => {
  it('keeps an AppError code, status, French message and pointers', () => {
    const { status, body } = toErrorResponse(
      new AppError('INVALID_REQUEST', { errors: [{ pointer: '/email', code: 'format', message: 'Adresse invalide' }] }),
      'fr',
      'id-1',
    );
    expect(status).toBe(400);
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.message).toMatch(/^La requête est invalide/);
    expect(body.errors).toEqual([{ pointer: '/email', code: 'format', message: 'Adresse invalide' }]);
    expect(body.errorId).toBeUndefined();
  });

  it("maps PostgreSQL's refusal of a NUL character (text 22021, jsonb 22P05) to 400, and nothing else", () => {
    const refusal = (code: string) =>
      new QueryFailedError('UPDATE …', [], Object.assign(new Error('refused'), { code }));
    for (const code of ['22021', '22P05']) {
      expect(toErrorResponse(refusal(code), 'fr', 'x')).toMatchObject({ status: 400, body: { code: 'NUL_CHARACTER' } });
    }
    expect(toErrorResponse(refusal('23505'), 'fr', 'x').status).toBe(500);
  });

  it('maps body-parser failures to 400, 413 and 415', () => {
    expect(toErrorResponse({ type: 'entity.parse.failed', status: 400 }, 'fr', 'x')).toMatchObject({
      status: 400,
      body: { code: 'MALFORMED_JSON' },
    });
    const tooLarge = toErrorResponse({ type: 'entity.too.large', limit: 1024 * 1024 }, 'fr', 'x');
    expect(tooLarge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(tooLarge.body.message).toContain('1 Mo');
    expect(toErrorResponse({ type: 'entity.too.large', limit: 100 * 1024 }, 'en', 'x').body.message).toContain(
      '100 Ko',
    );
    expect(toErrorResponse({ type: 'charset.unsupported' }, 'en', 'x')).toMatchObject({
      status: 415,
      body: { code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
  });

  it('maps Nest HTTP exceptions to registry codes', () => {
    expect(toErrorResponse(new NotFoundException(), 'fr', 'x')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect(toErrorResponse(new BadRequestException('Validation failed (uuid is expected)'), 'fr', 'x').body).toEqual({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/^La requête est invalide/),
    });
    expect(toErrorResponse(new HttpException('teapot', 418), 'fr', 'x')).toMatchObject({
      status: 418,
      body: { code: 'INVALID_REQUEST' },
    });
    expect(toErrorResponse(new ServiceUnavailableException(), 'fr', 'x')).toMatchObject({ status: 503 });
  });

  it('hides everything but an errorId on an unexpected error', () => {
    const { status, body } = toErrorResponse(new Error('password=hunter2 at db.ts:12'), 'fr', 'abc-123');
    expect(status).toBe(500);
    expect(body).toEqual({ code: 'INTERNAL_ERROR', message: expect.stringContaining('abc-123'), errorId: 'abc-123' });
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('answers 503 when the database cannot be reached, wrapped or not', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const wrapped = Object.assign(new Error('query failed'), { driverError: refused });
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const released = new QueryRunnerAlreadyReleasedError();
    const providerReleased = new QueryRunnerProviderAlreadyReleasedError();
    for (const error of [
      refused,
      wrapped,
      shutdown,
      released,
      providerReleased,
      new Error('Connection terminated unexpectedly'),
    ]) {
      expect(toErrorResponse(error, 'fr', 'x')).toMatchObject({
        status: 503,
        body: { code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('base de données') },
      });
    }
    // A constraint violation is the request's fault or ours, never an outage.
    expect(toErrorResponse(Object.assign(new Error('duplicate'), { code: '23505' }), 'fr', 'x').status).toBe(500);
  });

  it('survives values that are not errors', () => {
    for (const thrown of [undefined, null, 42, 'boom', { type: '__proto__' }, { type: 'constructor' }]) {
      expect(toErrorResponse(thrown, 'fr', 'id').status).toBe(500);
    }
  });
});

describe('requestLocale', () => {
  it.each([
    [undefined, 'fr'],
    ['fr-FR,fr;q=0.9', 'fr'],
    ['en', 'en'],
    ['en-GB,en;q=0.8', 'en'],
    ['de-DE', 'fr'],
    ['english', 'fr'],
  ])('%s → %s', (header, locale) => {
    expect(requestLocale(header)).toBe(locale);
  });
});
