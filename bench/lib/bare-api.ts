/**
 * The floor under the API (issue 22): a bare Node HTTP server, node:http and pg and nothing else, that answers
 * the bench's autosave and submit with the SQL the API runs for them, and checks nothing the SQL does not. No
 * framework, no session signature, no CSRF, no validation of the answers, no admission control, no logs. What it
 * costs per request is what any Node server on this machine pays to carry the request to PostgreSQL and back:
 * `bench:submit` drives it with the same clients as the API, so the API's rate reads against it as well as
 * against pgbench.
 *
 *   node dist/bench/lib/bare-api.js      (PORT, DATABASE_URL; ready when /health/live answers)
 *
 * Autosave (PATCH /api/v1/submissions/:id): the session read express-session makes, then the API's one-statement
 * save (submission-repository's `saveAnswersWhere` for an anonymous owner, no revision sent), with the version
 * and service the first read of the request gave (as the API keeps them). Submit (POST …/:id/submit): the session
 * read, then in a transaction the submit's statements as `bench:submit`'s pgbench script has them.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { searchText } from '@guichet/submissions';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20, application_name: 'guichet-bare' });
const sessions = new Pool({ connectionString: process.env.DATABASE_URL, max: 4, application_name: 'guichet-bare' });

const SESSION = { name: 'bare_session', text: 'SELECT sess FROM "session" WHERE sid = $1 AND expire >= now()' };
const FIRST_READ = {
  name: 'bare_first_read',
  text: 'SELECT anonymous_owner, form_version_id, service_id FROM submission WHERE id = $1',
};
const AUTOSAVE = {
  name: 'bare_autosave',
  text: `UPDATE submission SET data = $6, revision = revision + 1, updated_at = CURRENT_TIMESTAMP
          WHERE id = $1 AND anonymous_owner = $2 AND form_version_id = $3 AND service_id = $4
            AND status = ANY($5::text[])
          RETURNING revision, updated_at`,
};
const LOCKED_READ = {
  name: 'bare_locked_read',
  text: `SELECT s.*, (SELECT json_build_object('status', v.status, 'closes_at', f.definition -> 'settings' ->> 'closesAt', 'max_per_user', f.definition -> 'settings' ->> 'maxSubmissionsPerUser') FROM service v LEFT JOIN form_version f ON f.service_id = v.id AND f.number = v.latest_version WHERE v.id = s.service_id) AS rules
           FROM submission s WHERE s.id = $1 AND s.anonymous_owner = $2 FOR UPDATE OF s`,
};
const VERSION = { name: 'bare_version', text: 'SELECT definition, content_hash FROM form_version WHERE id = $1' };
const DECIDE = {
  name: 'bare_decide',
  text: `WITH decided AS (
 UPDATE submission SET status = 'submitted', reference = 'B-' || substr(md5(random()::text), 1, 16), submitted_at = now(), data = $2, search = to_tsvector('simple', $3), identity_pointers = '[]'::jsonb, group_key = 'instruction', revision = revision + 1
 WHERE id = $1 RETURNING id, organisation_id, revision, reference),
history AS (INSERT INTO submission_event (organisation_id, submission_id, actor, type, from_status, to_status, at)
 SELECT organisation_id, id, 'anonymous', 'submitted', 'draft', 'submitted', now() FROM decided
 UNION ALL SELECT organisation_id, id, 'system', 'routed', NULL, NULL, clock_timestamp() FROM decided),
jobs AS (INSERT INTO outbox (organisation_id, topic, payload)
 SELECT organisation_id, 'submission.submitted', jsonb_build_object('submissionId', id) FROM decided)
SELECT revision, reference FROM decided`,
};

/** What the API keeps of a request it has read: the version and service its next save is tried with. */
const seen = new Map<string, { owner: string; formVersionId: string; serviceId: string }>();

/** The session id in the signed session cookie (`s:<sid>.<signature>`, URL-encoded), signature unchecked. */
function sessionId(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || !part.slice(0, eq).trim().startsWith('gch_session')) continue;
    return /^s:([^.]+)\./.exec(decodeURIComponent(part.slice(eq + 1).trim()))?.[1];
  }
  return undefined;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (req.url === '/health/live') return reply(res, 200, { status: 'ok' });
  const route = /^\/api\/v1\/submissions\/([0-9a-f-]{36})(\/submit)?$/.exec(req.url ?? '');
  const sid = sessionId(req);
  if (!route || !sid) return reply(res, 404, { code: 'NOT_FOUND' });
  const id = route[1]!;
  // The session as connect-pg-simple reads it (a json column: pg parses it); its anonymous owner's token.
  const [session] = (await sessions.query({ ...SESSION, values: [sid] })).rows as Array<{
    sess: { anonymousToken?: string };
  }>;
  const token = session?.sess.anonymousToken;
  if (!token) return reply(res, 401, { code: 'UNAUTHENTICATED' });
  const owner = createHash('sha256').update(token).digest('hex');

  if (req.method === 'PATCH' && !route[2]) {
    const { data } = JSON.parse(body) as { data: unknown };
    let hint = seen.get(id);
    if (!hint) {
      const [row] = (await pool.query({ ...FIRST_READ, values: [id] })).rows as Array<{
        anonymous_owner: string;
        form_version_id: string;
        service_id: string;
      }>;
      if (!row) return reply(res, 404, { code: 'NOT_FOUND' });
      hint = { owner: row.anonymous_owner, formVersionId: row.form_version_id, serviceId: row.service_id };
      seen.set(id, hint);
    }
    const saved = await pool.query({
      ...AUTOSAVE,
      values: [id, owner, hint.formVersionId, hint.serviceId, ['draft'], JSON.stringify(data)],
    });
    const row = saved.rows[0] as { revision: number; updated_at: Date } | undefined;
    if (!row) return reply(res, 409, { code: 'CONFLICT' });
    return reply(res, 200, { id, revision: row.revision, savedAt: row.updated_at.toISOString() });
  }

  if (req.method === 'POST' && route[2]) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const [draft] = (await client.query({ ...LOCKED_READ, values: [id, owner] })).rows as Array<{
        form_version_id: string;
        status: string;
        data: Record<string, unknown>;
      }>;
      if (!draft || draft.status !== 'draft') {
        await client.query('ROLLBACK');
        return reply(res, draft ? 409 : 404, { code: draft ? 'CONFLICT' : 'NOT_FOUND' });
      }
      await client.query({ ...VERSION, values: [draft.form_version_id] });
      const text = searchText(null, { contactEmail: null, contactName: null }, draft.data);
      const [decided] = (await client.query({ ...DECIDE, values: [id, JSON.stringify(draft.data), text] }))
        .rows as Array<{ revision: number; reference: string }>;
      await client.query('COMMIT');
      return reply(res, 200, { id, status: 'submitted', reference: decided!.reference, revision: decided!.revision });
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  return reply(res, 404, { code: 'NOT_FOUND' });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) reply(res, 500, { code: 'INTERNAL' });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void Promise.all([pool.end(), sessions.end()]).then(() => process.exit(0));
});
