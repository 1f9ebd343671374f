import { AppError, organisationId, type OrganisationId } from './index';

describe('organisationId', () => {
  it('takes a UUID as it is', () => {
    const id: OrganisationId = organisationId('0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6b');
    expect(id).toBe('0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6b');
    // Still a string where one is expected (queries, comparisons, lists of ids).
    const plain: string = id;
    expect(plain.length).toBe(36);
  });

  it('writes it in lower case, as PostgreSQL does, so ids of one organisation compare equal', () => {
    expect(organisationId('0B6F3C1E-2D4A-4F8E-9A7B-1C2D3E4F5A6B')).toBe(
      organisationId('0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6b'),
    );
  });

  it.each(['', 'nord', '0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6', ' 0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6b', "x' OR 1=1 --"])(
    'refuses %j as « not found », like any id that is not a UUID',
    (value) => {
      expect(() => organisationId(value)).toThrow(AppError);
      expect(() => organisationId(value)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', status: 404 }));
    },
  );

  it('does not type-check without the parser', () => {
    // @ts-expect-error a plain string is not an organisation's id
    const id: OrganisationId = '0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6b';
    expect(id).toBeDefined();
  });
});
