/**
 * Bulk seeding of submitted requests for the desk benchmarks: a canteen-like
 * form (parent, children, allergy), answers drawn from French names and
 * postal codes with a realistic skew, statuses and decisions, assignees,
 * followers, references, contact and the free-text search vector, all
 * written by PostgreSQL itself (INSERT … SELECT FROM generate_series, in
 * batches), not row by row from Node.
 *
 * The secondary indexes of `submission` (not the primary key nor the unique
 * reference) are dropped before loading and recreated afterwards from their
 * own catalogue definitions, so they are exactly what the migrations made.
 */
import type { Client } from 'pg';

/** Names written as text (prettier would give each its own line): comma-separated, across lines. */
function list(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/** 200 French family names, most frequent first (the draw favours the head of the list). */
export const LAST_NAMES = list(`
  Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, Michel,
  Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, Lambert, Fontaine,
  Rousseau, Vincent, Muller, Lefevre, Faure, Andre, Mercier, Blanc, Guerin, Boyer, Garnier, Chevalier,
  Francois, Legrand, Gauthier, Garcia, Perrin, Robin, Clement, Morin, Nicolas, Henry, Roussel, Mathieu,
  Gautier, Masson, Marchand, Duval, Denis, Dumont, Marie, Lemaire, Noel, Meyer, Dufour, Meunier, Brun,
  Blanchard, Giraud, Joly, Riviere, Lucas, Brunet, Gaillard, Barbier, Arnaud, Martinez, Gerard, Roche,
  Renard, Schmitt, Roy, Leroux, Colin, Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, Renaud, Dumas,
  Lacroix, Olivier, Philippe, Bourgeois, Pierre, Benoit, Rey, Leclerc, Payet, Rolland, Leclercq, Guillaume,
  Lecomte, Lopez, Jean, Dupuy, Guillot, Hubert, Berger, Carpentier, Sanchez, Dupuis, Moulin, Louis,
  Deschamps, Huet, Vasseur, Perez, Boucher, Fleury, Royer, Klein, Jacquet, Adam, Paris, Poirier, Marty,
  Aubry, Guyot, Carre, Charles, Renault, Charpentier, Menard, Maillard, Baron, Bertin, Bailly, Herve,
  Schneider, Fernandez, Le Gall, Collet, Leger, Bouvier, Julien, Prevost, Millet, Perrot, Daniel, Le Roux,
  Cousin, Germain, Breton, Besson, Langlois, Remy, Le Goff, Pelletier, Leveque, Perrier, Leblanc, Barre,
  Lebrun, Marchal, Weber, Mallet, Hamon, Boulanger, Jacob, Monnier, Michaud, Rodriguez, Guichard, Gillet,
  Etienne, Grondin, Poulain, Tessier, Chevallier, Collin, Chauvin, Da Silva, Bouchet, Gay, Lemaitre,
  Benard, Marechal, Humbert, Reynaud, Antoine, Hoarau, Perret, Barthelemy, Cordier, Pichon, Lejeune,
  Gilbert, Lamy, Delaunay, Pasquier, Carlier, Laporte
`);

export const FIRST_NAMES = list(`
  Marie, Nathalie, Isabelle, Sylvie, Catherine, Sophie, Céline, Sandrine, Julie, Aurélie, Camille, Émilie,
  Laure, Claire, Anne, Hélène, Virginie, Stéphanie, Élodie, Karima, Jean, Pierre, Nicolas, Julien, Thomas,
  Sébastien, Christophe, Frédéric, Laurent, Olivier, David, Stéphane, Mathieu, Guillaume, Antoine,
  François, Karim, Mehdi, Yann, Loïc
`);

export const CHILD_NAMES = list(`
  Léo, Gabriel, Raphaël, Arthur, Louis, Jules, Adam, Maël, Lucas, Hugo, Noah, Liam, Sacha, Nathan, Ethan,
  Paul, Aaron, Tom, Nolan, Théo, Jade, Louise, Emma, Alice, Ambre, Lina, Rose, Chloé, Mia, Léa, Anna, Mila,
  Julia, Lou, Inès, Zoé, Léna, Agathe, Juliette, Iris
`);

/** 100 postal codes of ten neighbouring départements; the first ones are the big towns (drawn more often). */
export const POSTAL_CODES = ['000', '100', '110', '120', '130', '140', '150', '160', '170', '190'].flatMap((suffix) =>
  ['45', '41', '18', '28', '37', '36', '58', '89', '77', '91'].map((dept) => `${dept}${suffix}`),
);

const ALLERGIES = ['arachides', 'gluten', 'lait de vache', 'œufs', 'fruits à coque', 'poisson'];
const DOMAINS = ['orange.fr', 'laposte.net', 'gmail.com', 'free.fr', 'sfr.fr', 'wanadoo.fr', 'yahoo.fr', 'outlook.fr'];

/** The form the seeded answers match: the canteen enrolment of the tests, without its eligibility rule on the town. */
export function canteenLikeDefinition() {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['parent', 'children', 'hasAllergy'],
      properties: {
        parent: {
          type: 'object',
          title: 'Responsable légal',
          additionalProperties: false,
          required: ['lastName', 'firstName', 'email', 'postalCode'],
          properties: {
            lastName: { type: 'string', title: 'Nom', minLength: 1, maxLength: 100 },
            firstName: { type: 'string', title: 'Prénom', minLength: 1, maxLength: 100 },
            email: { type: 'string', title: 'Courriel', format: 'email' },
            phone: { type: 'string', title: 'Téléphone', format: 'fr-phone' },
            postalCode: { type: 'string', title: 'Code postal', format: 'fr-postal-code' },
          },
        },
        children: {
          type: 'array',
          title: 'Enfants',
          minItems: 1,
          maxItems: 5,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['firstName', 'school', 'eatsPork'],
            properties: {
              firstName: { type: 'string', title: 'Prénom', minLength: 1 },
              school: { type: 'string', title: 'École', enum: ['jules-ferry', 'louise-michel'] },
              eatsPork: { type: 'boolean', title: 'Mange du porc' },
              substitute: { type: 'string', title: 'Repas de substitution', enum: ['sans-viande', 'poisson'] },
            },
          },
        },
        hasAllergy: { type: 'string', title: 'Votre enfant a-t-il une allergie alimentaire ?', enum: ['oui', 'non'] },
        allergyDetails: { type: 'string', title: 'Précisez', minLength: 3 },
      },
    },
    pages: [
      { id: 'responsable', title: 'Responsable légal', fields: ['parent'] },
      { id: 'enfants', title: 'Enfants', fields: ['children', 'hasAllergy'] },
      { id: 'allergies', title: 'Allergies', fields: ['allergyDetails'] },
    ],
    rules: {
      visibility: [
        { target: 'page:allergies', when: { eq: [{ field: '/hasAllergy' }, 'oui'] } },
        { target: '/children/*/substitute', when: { eq: [{ field: '/children/*/eatsPork' }, false] } },
      ],
    },
    settings: { signIn: 'optional', retentionMonths: 12 },
  };
}

export interface SeedOptions {
  rows: number;
  organisationId: string;
  serviceId: string;
  formVersionId: string;
  versionNumber: number;
  /** Agents (`account:<id>`, `token:<id>`) the assigned requests are spread over, evenly. */
  agents: string[];
  /** An agent who also follows `followed` requests (the "Suivis" tab). */
  follower?: { agent: string; followed: number };
  /** Rows per INSERT statement (default 100,000). */
  batch?: number;
  /** Statements run at once, each on its own connection (default 2). */
  parallel?: number;
  /** The end of the two years the requests were submitted over (default: now). */
  now?: Date;
  log?: (line: string) => void;
}

export interface SeedReport {
  rows: number;
  insertSeconds: number;
  indexSeconds: number;
  analyzeSeconds: number;
  totalSeconds: number;
  indexes: Array<{ name: string; seconds: number }>;
}

/** Statuses by share, final ones with a decision date. */
const STATUS_SQL = `CASE
  WHEN u.s < 0.30 THEN 'submitted'
  WHEN u.s < 0.45 THEN 'in_review'
  WHEN u.s < 0.50 THEN 'changes_requested'
  WHEN u.s < 0.90 THEN 'accepted'
  WHEN u.s < 0.98 THEN 'rejected'
  ELSE 'closed' END`;

/**
 * One batch: rows n = $1 … $2 of $3. Row n was submitted at about
 * now − 730 days × (1 − n/N) (with a few hours of jitter), so the heap is
 * roughly in submission order, as a table filled over two years would be.
 * Every random draw is a hash of n: the same N gives the same data.
 */
const INSERT_SQL = `
INSERT INTO submission (organisation_id, service_id, form_version_id, version_number, anonymous_owner, status, data,
  revision, reference, submitted_at, contact_email, contact_name, group_key, decided_at, assignee, search, purge_at,
  created_at, updated_at)
SELECT $4::uuid, $5::uuid, $6::uuid, $7::int, encode(sha256(convert_to('anonyme-' || g.n, 'UTF8')), 'hex'), st.status,
  d.data, 1 + (g.n % 3)::int, r.reference, t.submitted_at, p.email,
  CASE WHEN u.fc < 0.6 THEN p.first || ' ' || p.last END, 'instruction', dec.decided_at, asg.assignee,
  to_tsvector('simple', concat_ws(' ', r.reference, CASE WHEN u.fc < 0.6 THEN p.first || ' ' || p.last END, p.email,
    p.last, p.first, p.email, p.phone, p.postal, c.words, a.has, a.details)),
  dec.decided_at + interval '12 months', t.submitted_at - make_interval(mins => 5 + (u.m * 90)::int),
  COALESCE(dec.decided_at, LEAST(t.submitted_at + make_interval(hours => (u.m * 240)::int), $8::timestamptz))
FROM generate_series($1::bigint, $2::bigint) AS g(n)
CROSS JOIN LATERAL (SELECT
    (hashint8extended(g.n, 1) & 2147483647)::float8 / 2147483648 AS ln,
    (hashint8extended(g.n, 2) & 2147483647)::float8 / 2147483648 AS fn,
    (hashint8extended(g.n, 3) & 2147483647)::float8 / 2147483648 AS pc,
    (hashint8extended(g.n, 4) & 2147483647)::float8 / 2147483648 AS s,
    (hashint8extended(g.n, 5) & 2147483647)::float8 / 2147483648 AS j,
    (hashint8extended(g.n, 6) & 2147483647)::float8 / 2147483648 AS dd,
    (hashint8extended(g.n, 7) & 2147483647)::float8 / 2147483648 AS ch,
    (hashint8extended(g.n, 8) & 2147483647)::float8 / 2147483648 AS al,
    (hashint8extended(g.n, 9) & 2147483647)::float8 / 2147483648 AS asg,
    (hashint8extended(g.n, 10) & 2147483647)::float8 / 2147483648 AS fc,
    (hashint8extended(g.n, 11) & 2147483647)::float8 / 2147483648 AS m,
    (hashint8extended(g.n, 12) & 2147483647)::float8 / 2147483648 AS ph) AS u
CROSS JOIN LATERAL (SELECT ${STATUS_SQL} AS status) AS st
CROSS JOIN LATERAL (SELECT ($9::text[])[1 + floor(power(u.ln, 2) * cardinality($9::text[]))::int] AS last,
    ($10::text[])[1 + floor(u.fn * cardinality($10::text[]))::int] AS first,
    ($11::text[])[1 + floor(power(u.pc, 1.5) * cardinality($11::text[]))::int] AS postal,
    CASE WHEN u.ph < 0.5 THEN '0' || (6 + (g.n % 2)) || lpad(((g.n * 7919) % 100000000)::text, 8, '0') END AS phone) AS p0
CROSS JOIN LATERAL (SELECT p0.*, translate(lower(p0.first), 'éèêëàâîïôöûüç', 'eeeeaaiioouuc') || '.' ||
    translate(lower(p0.last), ' ', '') || CASE WHEN g.n % 3 = 0 THEN (g.n % 97)::text ELSE '' END || '@' ||
    ($13::text[])[1 + (g.n % cardinality($13::text[]))::int] AS email) AS p
CROSS JOIN LATERAL (SELECT jsonb_agg(jsonb_build_object('firstName', ($12::text[])[1 + ((g.n * 31 + k * 17) % cardinality($12::text[]))::int],
      'school', CASE WHEN (g.n + k) % 3 = 0 THEN 'louise-michel' ELSE 'jules-ferry' END,
      'eatsPork', (g.n + k) % 5 <> 0)
      || CASE WHEN (g.n + k) % 5 = 0 THEN jsonb_build_object('substitute', CASE WHEN k % 2 = 0 THEN 'poisson' ELSE 'sans-viande' END)
         ELSE '{}'::jsonb END ORDER BY k) AS children,
    string_agg(($12::text[])[1 + ((g.n * 31 + k * 17) % cardinality($12::text[]))::int] || ' ' ||
      CASE WHEN (g.n + k) % 3 = 0 THEN 'louise-michel' ELSE 'jules-ferry' END ||
      CASE WHEN (g.n + k) % 5 = 0 THEN CASE WHEN k % 2 = 0 THEN ' poisson' ELSE ' sans-viande' END ELSE '' END, ' ' ORDER BY k) AS words
    FROM generate_series(1, CASE WHEN u.ch < 0.55 THEN 1 WHEN u.ch < 0.9 THEN 2 ELSE 3 END) AS k) AS c
CROSS JOIN LATERAL (SELECT CASE WHEN u.al < 0.12 THEN 'oui' ELSE 'non' END AS has,
    CASE WHEN u.al < 0.12 THEN ($14::text[])[1 + (g.n % cardinality($14::text[]))::int] END AS details) AS a
CROSS JOIN LATERAL (SELECT jsonb_build_object(
      'parent', jsonb_strip_nulls(jsonb_build_object('lastName', p.last, 'firstName', p.first, 'email', p.email,
        'phone', p.phone, 'postalCode', p.postal)),
      'children', c.children, 'hasAllergy', a.has)
    || CASE WHEN a.details IS NOT NULL THEN jsonb_build_object('allergyDetails', a.details) ELSE '{}'::jsonb END AS data) AS d
CROSS JOIN LATERAL (SELECT $8::timestamptz - make_interval(secs => 730 * 86400 * (1 - g.n::float8 / $3)
    + (u.j - 0.5) * 6 * 3600) AS submitted_at) AS t
CROSS JOIN LATERAL (SELECT CASE WHEN st.status IN ('accepted', 'rejected', 'closed')
    THEN LEAST(t.submitted_at + make_interval(secs => 86400 * (1 + 59 * u.dd)), $8::timestamptz) END AS decided_at) AS dec
CROSS JOIN LATERAL (SELECT CASE WHEN u.asg < CASE st.status WHEN 'submitted' THEN 0.05 WHEN 'in_review' THEN 0.85
      WHEN 'changes_requested' THEN 0.85 ELSE 0.7 END
    THEN ($15::text[])[1 + (g.n % cardinality($15::text[]))::int] END AS assignee) AS asg
CROSS JOIN LATERAL (SELECT bench_reference(g.n) AS reference) AS r`;

/** GCH-XXXX-XXXX from n: n × a prime coprime with 31, modulo 31^8, in base 31 (unique, and not in sequence). */
const REFERENCE_FUNCTION = `
CREATE OR REPLACE FUNCTION bench_reference(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'GCH-' || string_agg(CASE WHEN i = 3 THEN '-' ELSE '' END
    || substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + ((n * 2654435761 % 852891037441) / (31::bigint ^ i)::bigint % 31)::int, 1),
    '' ORDER BY i DESC)
  FROM generate_series(0, 7) AS i
$$`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, (performance.now() - started) / 1000];
}

/** The secondary indexes of `submission`, as the catalogue has them (constraint indexes left out). */
export async function secondaryIndexes(client: Client): Promise<Array<{ name: string; definition: string }>> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = 'submission'::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY c.relname`,
  );
  return rows;
}

/**
 * Seeds `rows` submitted requests of one service. `connect` opens a new
 * connection to the bench database (one per parallel statement).
 */
export async function seedRequests(connect: () => Promise<Client>, options: SeedOptions): Promise<SeedReport> {
  const log = options.log ?? (() => undefined);
  const batch = options.batch ?? 100_000;
  const parallel = Math.max(1, options.parallel ?? 2);
  const now = options.now ?? new Date();
  const started = performance.now();
  const main = await connect();
  try {
    await main.query(REFERENCE_FUNCTION);
    const indexes = await secondaryIndexes(main);
    for (const index of indexes) await main.query(`DROP INDEX "${index.name}"`);
    log(`dropped ${indexes.length} secondary indexes of submission while loading`);

    const ranges: Array<[number, number]> = [];
    for (let first = 1; first <= options.rows; first += batch)
      ranges.push([first, Math.min(options.rows, first + batch - 1)]);
    const [, insertSeconds] = await timed(async () => {
      const clients = [main, ...(await Promise.all(Array.from({ length: parallel - 1 }, () => connect())))];
      let done = 0;
      try {
        await Promise.all(
          clients.map(async (client) => {
            // Not durable until the end, as a restore would be: this is a load, not traffic.
            await client.query(`SET synchronous_commit = off`);
            for (let range = ranges.shift(); range; range = ranges.shift()) {
              await client.query(INSERT_SQL, [
                range[0],
                range[1],
                options.rows,
                options.organisationId,
                options.serviceId,
                options.formVersionId,
                options.versionNumber,
                now,
                LAST_NAMES,
                FIRST_NAMES,
                POSTAL_CODES,
                CHILD_NAMES,
                DOMAINS,
                ALLERGIES,
                options.agents,
              ]);
              done += range[1] - range[0] + 1;
              log(`  ${done.toLocaleString('en')} / ${options.rows.toLocaleString('en')} rows`);
            }
          }),
        );
      } finally {
        await Promise.all(clients.slice(1).map((c) => c.end()));
      }
    });
    if (options.follower) {
      await main.query(
        `INSERT INTO submission_follower (submission_id, agent)
         SELECT id, $1 FROM submission WHERE service_id = $2 AND status <> 'draft'
            AND (hashint4(hashtext(id::text)) & 1023) = 0 LIMIT $3 ON CONFLICT DO NOTHING`,
        [options.follower.agent, options.serviceId, options.follower.followed],
      );
    }

    // Indexes back, two at a time (the GIN ones are the long ones), with room to sort.
    const built: Array<{ name: string; seconds: number }> = [];
    const [, indexSeconds] = await timed(async () => {
      const queue = [...indexes].sort(
        (a, b) => Number(/USING gin/.test(b.definition)) - Number(/USING gin/.test(a.definition)),
      );
      const clients = [main, ...(await Promise.all(Array.from({ length: parallel - 1 }, () => connect())))];
      try {
        await Promise.all(
          clients.map(async (client) => {
            await client.query(`SET maintenance_work_mem = '512MB'`);
            for (let index = queue.shift(); index; index = queue.shift()) {
              const [, seconds] = await timed(() => client.query(index.definition));
              built.push({ name: index.name, seconds });
              log(`  index ${index.name}: ${seconds.toFixed(1)} s`);
            }
          }),
        );
      } finally {
        await Promise.all(clients.slice(1).map((c) => c.end()));
      }
    });
    const [, analyzeSeconds] = await timed(async () => {
      await main.query('VACUUM (ANALYZE) submission');
      await main.query('ANALYZE submission_follower');
    });
    await main.query('DROP FUNCTION bench_reference(bigint)');
    return {
      rows: options.rows,
      insertSeconds,
      indexSeconds,
      analyzeSeconds,
      totalSeconds: (performance.now() - started) / 1000,
      indexes: built,
    };
  } finally {
    await main.end();
  }
}

export interface RelationSizes {
  tableBytes: number;
  toastBytes: number;
  indexes: Array<{ name: string; bytes: number }>;
}

/** The size of `submission` (heap, TOAST) and of each of its indexes. */
export async function relationSizes(client: Client): Promise<RelationSizes> {
  const table = await client.query<{ heap: string; toast: string }>(
    `SELECT pg_relation_size('submission') AS heap,
            COALESCE(pg_total_relation_size(NULLIF(reltoastrelid, 0)), 0) AS toast
       FROM pg_class WHERE oid = 'submission'::regclass`,
  );
  const indexes = await client.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_relation_size(c.oid) AS bytes
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = 'submission'::regclass ORDER BY pg_relation_size(c.oid) DESC`,
  );
  return {
    tableBytes: Number(table.rows[0]!.heap),
    toastBytes: Number(table.rows[0]!.toast),
    indexes: indexes.rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) })),
  };
}
