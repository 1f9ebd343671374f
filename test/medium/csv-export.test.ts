import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Inbox, csvCell, exportRequests, type DeskActor } from '@guichet/desk';
import { ApiTokenService } from '@guichet/identity';
import { FormVersion, Organisation, Service } from '@guichet/persistence';
import { organisationId, type ServiceDefinition } from '@guichet/shared';
import { csvCell as csvCellBefore, csvExportBefore } from '../support/csv-export-before';
import { withTestDataSource } from '../support/database';

/**
 * The CSV export made faster (dates written by PostgreSQL, rows as arrays,
 * chunks as bytes) writes the very bytes the code before it wrote
 * (test/support/csv-export-before.ts, frozen), on data chosen to trip it:
 * quotes, separators, line breaks, cells a spreadsheet would run (= + - @,
 * tab, CR), accents and emoji, nulls and missing answers, answers of the
 * wrong type, nested objects and lists (key order as stored), files, choice
 * labels, numbers both ways, and times around Paris's clock changes, to the
 * microsecond. Both separators, chosen columns, several sorts, and more rows
 * than one batch.
 */

const TRICKY = [
  '',
  ' ',
  'Lefèvre',
  'Nguyễn Thị',
  'Østergård',
  '😀 émoji',
  '=HYPERLINK("http://x","clic")',
  '+33 6 12 34 56 78',
  '-12',
  '@SUM(A1)',
  '\tTab',
  '\rCR',
  "'déjà cité",
  'a,b',
  'a;b',
  'dit "le Grand"',
  'ligne 1\nligne 2',
  'ligne 1\r\nligne 2',
  'fin\r',
  '"',
  '""',
  ',',
  ';',
  '\u2028séparateur',
  'x'.repeat(190),
];

function definition(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        nom: { type: 'string', title: 'Nom, « dit » "le titre"' },
        formule: { type: 'string', title: '=Formule' },
        montant: { type: 'number', title: 'Montant' },
        enfants: { type: 'integer', title: 'Enfants' },
        naissance: { type: 'string', format: 'date', title: 'Naissance' },
        rdv: { type: 'string', format: 'date-time', title: 'Rendez-vous' },
        accord: { type: 'boolean', title: 'Accord' },
        choix: {
          type: 'string',
          title: 'Choix',
          oneOf: [
            { const: 'a', title: 'Premier, "A"' },
            { const: 'b', title: '=B' },
          ],
        },
        couleurs: {
          type: 'array',
          title: 'Couleurs',
          uniqueItems: true,
          items: { type: 'string', enum: ['rouge', 'vert'] },
        },
        notes: { type: 'array', title: 'Notes', items: { type: 'string' } },
        adresse: {
          type: 'object',
          title: 'Adresse',
          properties: {
            rue: { type: 'string', title: 'Rue' },
            ville: { type: 'string', title: 'Ville' },
          },
        },
        membres: {
          type: 'array',
          title: 'Membres',
          items: {
            type: 'object',
            properties: { prenom: { type: 'string', title: 'Prénom' }, age: { type: 'integer', title: 'Âge' } },
          },
        },
        secret: { type: 'string', title: 'Code secret' },
        piece: { type: 'string', title: 'Pièce', 'x-file': { accept: ['application/pdf'], maxBytes: 1000 } },
      },
    },
    uiSchema: { secret: { 'ui:widget': 'password' } },
    pages: [
      {
        id: 'p',
        title: 'Tout',
        fields: [
          'nom',
          'formule',
          'montant',
          'enfants',
          'naissance',
          'rdv',
          'accord',
          'choix',
          'couleurs',
          'notes',
          'adresse',
          'membres',
          'secret',
          'piece',
        ],
      },
    ],
    rules: {},
    settings: { signIn: 'optional', retentionMonths: 12 },
  } as unknown as ServiceDefinition;
}

/** Times around both clock changes of 2026 in Paris (29 March and 25 October, 01:00 UTC), and elsewhere. */
const TIMES = [
  null,
  '2026-03-29 00:59:59.999999+00',
  '2026-03-29 01:00:00+00',
  '2026-03-29 01:00:00.000001+00',
  '2026-03-29 00:30:00+00',
  '2026-03-29 01:30:00+00',
  '2026-10-25 00:00:00+00',
  '2026-10-25 00:59:59.9995+00',
  '2026-10-25 01:00:00+00',
  '2026-10-25 01:59:59.999+00',
  '2026-10-25 02:00:00+00',
  '2026-12-31 23:00:00+00',
  '2026-12-31 22:59:59.999999+00',
  '2027-01-01 00:00:00+00',
  '2024-02-29 12:34:56.789+00',
  '1999-12-31 23:30:00+00',
  '1975-06-15 10:00:00+00',
  '2045-07-14 08:00:00+00',
];

/** Answers of every kind, and of the wrong kind, picked by `i`. */
function answers(i: number, fileId: string | null): Record<string, unknown> {
  const t = (k: number) => TRICKY[(i * 7 + k) % TRICKY.length]!;
  const data: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined) data[key] = value;
  };
  put('nom', [t(0), null, undefined, 42, true][i % 5]);
  put('formule', t(1));
  put('montant', [1234.5, -0.25, 0, 1e21, 3, 'douze', null, undefined, -7][i % 9]);
  put('enfants', [2, -3, 10000, '4', null, undefined, 1.5][i % 7]);
  put('naissance', ['2016-02-29', '1980-01-01', 'pas une date', '', null, undefined, '2016-2-9'][i % 7]);
  put('rdv', ['2026-10-25T02:30', '2026-03-29T02:30', 'demain', undefined][i % 4]);
  put('accord', [true, false, null, 'oui', undefined][i % 5]);
  put('choix', ['a', 'b', 'z', t(2), undefined][i % 5]);
  put('couleurs', [['rouge', 'vert'], ['vert'], [], ['bleu', t(3)], 'rouge', undefined][i % 6]);
  put('notes', [[t(4), t(5)], [], ['=1+1'], [null, 3, { b: 1, a: [true] }], t(6), undefined][i % 6]);
  put(
    'adresse',
    [
      { rue: t(7), ville: 'Orléans' },
      { ville: 'Tours', rue: '=cmd', zz: { '10': 'dix', b: 2, a: 1 } },
      { rue: null },
      t(8),
      undefined,
    ][i % 5],
  );
  put(
    'membres',
    [
      [
        { prenom: t(9), age: 7 },
        { age: 3, prenom: '-x' },
      ],
      [{ prenom: 'seul', extra: { '2': 'b', '1': 'a', z: null } }],
      [],
      'pas une liste',
      undefined,
    ][i % 5],
  );
  put('secret', [t(10), '', undefined, 1234][i % 4]);
  put('piece', fileId ?? ['inconnu', undefined, 'data:application/pdf;name=cv%20%3D.pdf;base64,AA=='][i % 3]);
  return data;
}

describe('CSV export: the same bytes as before it was made faster', () => {
  const { dataSource: ds } = withTestDataSource();
  let inbox: Inbox;
  let actor: DeskActor;
  const slug = 'export-octets';

  beforeAll(async () => {
    inbox = new Inbox(ds);
    const org = await ds.getRepository(Organisation).save({ slug: 'octets', name: 'Octets' });
    const service = await ds.getRepository(Service).save({
      organisationId: org.id,
      slug,
      title: 'Octets',
      status: 'published',
      draftDefinition: definition() as never,
      latestVersion: 1,
    });
    const version = await ds.getRepository(FormVersion).save({
      organisationId: org.id,
      serviceId: service.id,
      number: 1,
      definition: definition() as never,
      contentHash: 'octets'.padEnd(64, '0'),
      publishedBy: 'test',
    });
    const tokens = new ApiTokenService(ds);
    const named = await tokens.issue({
      organisationId: organisationId(org.id),
      name: '=Jeton, "dit" ; le bon',
      role: 'caseworker',
    });
    const me = await tokens.issue({ organisationId: organisationId(org.id), name: 'moi', role: 'caseworker' });
    actor = {
      id: `token:${me.record.id}`,
      organisationIds: [org.id],
      grants: [{ organisationId: org.id, serviceIds: null, groups: null, readOnly: false }],
    };
    const assignees = [null, `token:${named.record.id}`, `account:${randomUUID()}`, 'système'];
    const groups = [null, 'nord', '=sud', 'est, ouest'];
    const statuses = ['submitted', 'in_review', 'accepted', 'rejected', 'closed', 'changes_requested', 'inconnu'];
    // The hand-picked rows: every time, every tricky string in every fixed column.
    const rows = TRICKY.length * 2;
    for (let i = 0; i < rows; i++) {
      const id = randomUUID();
      const fileId = i % 4 === 0 ? randomUUID() : null;
      await ds.query(
        `INSERT INTO submission (id, organisation_id, service_id, form_version_id, version_number, revision,
                                 anonymous_owner, status, data, reference, submitted_at, decided_at, group_key, assignee,
                                 contact_name, contact_email)
         VALUES ($1, $2, $3, $4, 1, 1, $5, $6, $7::jsonb, $8, $9::timestamptz, $10::timestamptz, $11, $12, $13, $14)`,
        [
          id,
          org.id,
          service.id,
          version.id,
          'a'.repeat(64),
          statuses[i % statuses.length],
          JSON.stringify(answers(i, fileId)),
          i % 9 === 0 ? null : `R-${i}${i % 5 === 0 ? ',"=' : ''}`,
          // Every time as a submission date (a submitted request always has one) and as a decision.
          TIMES[1 + (i % (TIMES.length - 1))],
          TIMES[(i * 5 + 3) % TIMES.length],
          groups[i % groups.length],
          assignees[i % assignees.length],
          i % 6 === 0 ? null : TRICKY[i % TRICKY.length],
          i % 7 === 0 ? null : `${TRICKY[(i + 3) % TRICKY.length]}@exemple.fr`,
        ],
      );
      if (fileId)
        await ds.query(
          `INSERT INTO attachment (id, organisation_id, submission_id, pointer, filename, media_type, bytes, sha256, storage_key)
           VALUES ($1, $2, $3, '/piece', $4, 'application/pdf', 1, $5, $6)`,
          [fileId, org.id, id, `${TRICKY[i % TRICKY.length]}.pdf`, 'f'.repeat(64), `k/${fileId}`],
        );
    }
    // More rows than one batch (2,000), many on the same microsecond: the cursor goes on where it stopped.
    await ds.query(
      `INSERT INTO submission (organisation_id, service_id, form_version_id, version_number, revision, anonymous_owner,
                               status, data, reference, submitted_at, decided_at, group_key, contact_name)
       SELECT $1, $2, $3, 1, 1, $4, (ARRAY['submitted','accepted','rejected'])[1 + n % 3],
              jsonb_build_object('nom', 'n°' || n || CASE WHEN n % 11 = 0 THEN ',"x"' ELSE '' END,
                                 'montant', n / 8.0, 'naissance', '2020-01-0' || (1 + n % 9),
                                 'notes', jsonb_build_array(n, 'é'), 'accord', n % 2 = 0),
              'B-' || n,
              timestamptz '2026-10-25 00:30:00+00' + (n / 3) * interval '1.5 seconds',
              CASE WHEN n % 4 = 0 THEN timestamptz '2026-03-29 00:59:00+00' + n * interval '1 millisecond' END,
              CASE WHEN n % 2 = 0 THEN 'nord' END, 'Nom ' || n
         FROM generate_series(1, 4500) n`,
      [org.id, service.id, version.id, 'a'.repeat(64)],
    );
  });

  async function exportNow(raw: Record<string, unknown>): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await exportRequests(inbox, slug, actor, { format: 'csv', ...raw }, async (chunk) => {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    });
    return Buffer.concat(chunks);
  }

  it.each([
    ['every answer, comma', {}],
    ['every answer, semicolon (French dates and numbers)', { sep: 'semicolon' }],
    ['oldest first', { sort: 'oldest' }],
    ['chosen columns, semicolon', { sep: 'semicolon', columns: '/piece,/montant,/naissance,/nom,/membres' }],
    ['sorted by an answer, descending', { sort: '-/nom' }],
    ['sorted by a number answer', { sort: '/montant' }],
    ['accepted or rejected, by reference', { sort: 'reference', status: 'accepted,rejected' }],
  ])('%s', async (_title, raw: Record<string, unknown>) => {
    const before = await csvExportBefore(ds, inbox, slug, actor, { format: 'csv', ...raw });
    const now = await exportNow(raw);
    // Rows: the header, every hand-picked row and the 4,500 generated ones (fewer when filtered).
    expect(before.toString('utf8').split('\r\n').length).toBeGreaterThan(1000);
    if (!now.equals(before)) {
      const a = before.toString('utf8').split('\r\n');
      const b = now.toString('utf8').split('\r\n');
      const at = a.findIndex((line, i) => line !== b[i]);
      expect({ line: at, now: b[at] }).toEqual({ line: at, now: a[at] });
    }
    expect(now.equals(before)).toBe(true);
  });

  it('writes any cell as the old csvCell did, whatever the separator', () => {
    const text = fc.array(fc.oneof(fc.constantFrom(...TRICKY, "'", '=', '|', '\t'), fc.string()), { maxLength: 4 });
    fc.assert(
      fc.property(
        fc.oneof(
          text.map((parts) => parts.join('')),
          fc.double(),
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.constant(undefined),
          fc.jsonValue(),
        ),
        fc.constantFrom(',', ';', '\t', '|'),
        (value, separator) => csvCell(value, separator) === csvCellBefore(value, separator),
      ),
      { numRuns: 5000 },
    );
  });
});
