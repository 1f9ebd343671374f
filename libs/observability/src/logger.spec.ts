import { Writable } from 'node:stream';
import { createLogger, pathOnly } from './index';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, lines };
}

describe('logger redaction', () => {
  it('removes credentials and personal data at any of the first three depths', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ level: 'info', service: 'test' }, stream);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer s3cret', cookie: 'sid=abc', 'x-csrf-token': 'tok' } },
        email: 'marie.dupont@example.fr',
        user: { givenName: 'Marie', familyName: 'Dupont', birthdate: '1980-02-29' },
        submission: { id: 'sub-1', data: { nir: '180022A00100123' } },
        nested: { deeper: { email: 'jean@example.fr' } },
      },
      'hello',
    );
    const line = lines.join('');
    for (const secret of [
      's3cret',
      'sid=abc',
      'tok"',
      'marie.dupont',
      'Marie',
      'Dupont',
      '1980-02-29',
      '180022A00100123',
      'jean@',
    ]) {
      expect(line).not.toContain(secret);
    }
    // What is useful for an operator stays.
    expect(line).toContain('sub-1');
    expect(line).toContain('"service":"test"');
  });

  it('keeps the values of a failed statement out of an error line, not the statement', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ level: 'info', service: 'test' }, stream);
    // The shape of TypeORM's QueryFailedError around a pg error, as the API's exception filter logs it.
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "UQ_contact"'), {
      code: '23505',
      detail: 'Key (contact_email)=(marie.dupont@example.fr) already exists.',
      where: 'JSON data, line 1: {"lastName":"Dupont"...',
    });
    const err = Object.assign(new Error(driverError.message), {
      query: 'INSERT INTO "submission"("data", "contact_name") VALUES ($1, $2)',
      parameters: ['{"parent":{"lastName":"Dupont"}}', 'Marie Dupont'],
      driverError,
      code: '23505',
      detail: driverError.detail,
    });
    logger.error({ err, errorId: 'e-1' }, 'unhandled error');
    const line = lines.join('');
    for (const secret of ['Dupont', 'Marie', 'marie.dupont']) expect(line).not.toContain(secret);
    expect(line).toContain('INSERT INTO');
    expect(line).toContain('23505');
    expect(line).toContain('e-1');
  });

  it('drops query strings from paths', () => {
    expect(pathOnly('/api/v1/x?email=a@b.fr')).toBe('/api/v1/x');
    expect(pathOnly('/health/ready')).toBe('/health/ready');
    expect(pathOnly('/api/v1/public/entreprises/91234567500017')).toBe('/api/v1/public/entreprises/[masqué]');
    expect(pathOnly('/api/v1/public/associations/W452001234?x=1')).toBe('/api/v1/public/associations/[masqué]');
    expect(pathOnly(undefined)).toBe('');
  });
});
