import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { Account, AgentMembership } from '@guichet/persistence';
import { CaseActions, Inbox, deskActorOf } from '@guichet/desk';
import { DEFAULT_WORKFLOW } from '@guichet/workflow';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant, publishService } from '../support/tenant';

const FAMILIES = ['Dubois', 'Martin', 'Nguyen', 'Benali', 'Le Gall', 'Ferreira'];

/** The caseworkers' inbox over HTTP: pages, filters, search, tabs, notes, assignment, exports, and who sees what. */
describe('caseworker desk', () => {
  let stack: Stack;
  let designer: Tenant;
  let caseworker: string;
  let colleague: string;
  const ids: string[] = [];
  let citizenOfFirst: CookieClient;

  const get = (path: string, auth = caseworker) => request(stack.url).get(path).set('Authorization', auth);

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    designer = await createTenant(stack);
    const tokens = new ApiTokenService(stack.api.get(DataSource));
    const issue = async (name: string) =>
      `Bearer ${(await tokens.issue({ organisationId: designer.organisationId, name, role: 'caseworker' })).token}`;
    caseworker = await issue('instruction');
    colleague = await issue('collègue');
    await publishService(stack.url, designer, {
      slug: 'cantine-desk',
      title: 'Cantine',
      definition: canteenDefinition(),
    });
    for (let i = 0; i < 30; i++) {
      const client = new CookieClient();
      const call = async (path: string, body: unknown) => {
        const csrf = client.cookie(stack.url, 'csrf_token');
        const response = await client.request(`${stack.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
          body: JSON.stringify(body),
        });
        expect(response.status).toBeLessThan(300);
        return (await response.json()) as { id: string };
      };
      const data = validCanteenData();
      data.parent = {
        ...(data.parent as object),
        lastName: i === 29 ? '=HYPERLINK("http://x")' : FAMILIES[i % FAMILIES.length],
        postalCode: i % 3 === 0 ? '45100' : '45000',
      };
      const draft = await call('/api/v1/public/services/cantine-desk/submissions', { data });
      await call(`/api/v1/submissions/${draft.id}/submit`, {});
      ids.push(draft.id);
      if (i === 0) citizenOfFirst = client;
    }
  });
  afterAll(() => stack?.close());

  type Page = {
    items: Array<{ id: string; submittedAt: string; reference: string; assignee: string | null }>;
    nextCursor: string | null;
    counts: Record<string, number>;
  };

  it('pages through every request once, newest first, with counts per tab', async () => {
    const seen: Page['items'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get(`/api/v1/services/cantine-desk/inbox?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const page = response.body as Page;
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
      expect(page.counts).toEqual({ a_traiter: 30, suivis: 0, traites: 0, tous: 30 });
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    expect(new Set(seen.map((i) => i.id)).size).toBe(30);
    const times = seen.map((i) => Date.parse(i.submittedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(seen[0]).toMatchObject({ statusLabel: 'Déposée', status: 'submitted' });
  });

  it('filters by answer, searches names and references, and by status', async () => {
    const north = (await get('/api/v1/services/cantine-desk/inbox?limit=100&field=/parent/postalCode=45100'))
      .body as Page;
    expect(north.items).toHaveLength(10);
    const both = (
      await get(
        `/api/v1/services/cantine-desk/inbox?limit=100&field=/parent/postalCode=45100&field=${encodeURIComponent('/children/0/firstName')}=x`,
      )
    ).status;
    expect(both).toBe(400);
    const nguyen = (await get('/api/v1/services/cantine-desk/inbox?limit=100&q=nguy')).body as Page;
    expect(nguyen.items).toHaveLength(5);
    // Every reference finds its request alone: references are random, and one whose segment is all digits was
    // indexed by PostgreSQL as a signed number that the search never matched.
    const all = (await get('/api/v1/services/cantine-desk/inbox?limit=100')).body as Page;
    expect(all.items).toHaveLength(30);
    for (const item of all.items) {
      const byReference = (await get(`/api/v1/services/cantine-desk/inbox?q=${item.reference}`)).body as Page;
      expect([item.reference, byReference.items.map((i) => i.id)]).toEqual([item.reference, [item.id]]);
    }
    const accepted = (await get('/api/v1/services/cantine-desk/inbox?status=accepted')).body as Page;
    expect(accepted.items).toEqual([]);
  });

  it('answers malformed queries with 400 and the parameter as pointer', async () => {
    for (const query of [
      'limit=1000',
      'limit=0',
      'limit=abc',
      'cursor=garbage',
      `cursor=${Buffer.from('["2026-01-01T00:00:00Z","not-a-uuid"]').toString('base64url')}`,
      'field=/unknown=1',
      'field=nopointer',
      'field=/children=1',
      'status=Bad!',
      'tab=inconnu',
      'sort=random',
      'from=2026-13-45',
      'assignee=root',
      'q=' + 'x'.repeat(201),
      'limit=1&limit=2',
      'evil=1',
    ]) {
      const response = await get(`/api/v1/services/cantine-desk/inbox?${query}`);
      expect([query, response.status, response.body.code]).toEqual([query, 400, 'INVALID_REQUEST']);
      expect(response.body.errors[0].pointer).toMatch(/^\/[a-z]+$/);
    }
  });

  it('refuses a status no version of the service has, and takes one that only an earlier version had', async () => {
    const committee = { label: 'En commission', actions: [] };
    const first = { ...canteenDefinition() } as { workflow?: unknown };
    first.workflow = {
      ...DEFAULT_WORKFLOW,
      states: { ...DEFAULT_WORKFLOW.states, en_commission: committee },
      transitions: [
        ...DEFAULT_WORKFLOW.transitions,
        {
          name: 'to_committee',
          label: 'Passer en commission',
          from: ['in_review'],
          to: 'en_commission',
          by: ['caseworker'],
        },
        { name: 'committee_accepts', label: 'Accepter', from: ['en_commission'], to: 'accepted', by: ['caseworker'] },
      ],
    };
    await publishService(stack.url, designer, { slug: 'cantine-etats', title: 'Cantine (états)', definition: first });
    const inbox = (query: string) => get(`/api/v1/services/cantine-etats/inbox?${query}`);
    expect((await inbox('status=en_commission')).status).toBe(200);
    // The second version drops the state: requests filed under the first may still be in it.
    await request(stack.url)
      .put('/api/v1/services/cantine-etats/draft')
      .set('Authorization', designer.auth)
      .send(canteenDefinition())
      .expect(200);
    await request(stack.url)
      .post('/api/v1/services/cantine-etats/publish')
      .set('Authorization', designer.auth)
      .expect(201);
    expect((await inbox('status=en_commission,accepted')).status).toBe(200);
    for (const query of ['status=acepted', 'status=accepted,en_comission', 'status=draft2']) {
      const refused = await inbox(query);
      expect([query, refused.status, refused.body.code, refused.body.errors[0].pointer]).toEqual([
        query,
        400,
        'INVALID_REQUEST',
        '/status',
      ]);
      expect(refused.body.errors[0].message).toMatch(
        /^Statut inconnu : \w+ \(statuts de cette démarche : .*en_commission/,
      );
    }
    // An export of the same filter is refused the same way, before anything is written.
    const exported = await get('/api/v1/services/cantine-etats/export?format=csv&status=acepted');
    expect([exported.status, exported.body.errors?.[0]?.pointer]).toEqual([400, '/status']);
  });

  it('assigns, follows, notes, and records every read of a request', async () => {
    // An agent of the organisation who works on its services: a request is assigned to no one else.
    const agent = await stack.api
      .get(DataSource)
      .getRepository(Account)
      .save({ kind: 'agent', issuer: 'https://agents.example', subject: 'agent-1', email: 'agent-1@mairie.fr' });
    await stack.api
      .get(DataSource)
      .getRepository(AgentMembership)
      .save({ organisationId: designer.organisationId, email: 'agent-1@mairie.fr', role: 'caseworker' });
    const assigned = await request(stack.url)
      .post(`/api/v1/submissions/${ids[0]}/assign`)
      .set('Authorization', caseworker)
      .send({ agentId: `account:${agent.id}` });
    expect(assigned.status).toBe(200);
    // Named as the agent's provider named them; this one never gave a name, so by their professional email.
    expect(assigned.body).toEqual({ id: ids[0], assignee: `account:${agent.id}`, assigneeName: 'agent-1@mairie.fr' });
    const unknown = await request(stack.url)
      .post(`/api/v1/submissions/${ids[0]}/assign`)
      .set('Authorization', caseworker)
      .send({ agentId: 'account:3f1c2b9e-8d2a-4c4e-9a57-0c7d0b6d1e2f' });
    expect(unknown.status).toBe(400);
    const mine = (await get(`/api/v1/services/cantine-desk/inbox?assignee=account:${agent.id}`)).body as Page;
    expect(mine.items.map((i) => i.id)).toEqual([ids[0]]);

    await request(stack.url).put(`/api/v1/submissions/${ids[1]}/follow`).set('Authorization', colleague).expect(200);
    const followed = (await get('/api/v1/services/cantine-desk/inbox?tab=suivis', colleague)).body as Page;
    expect(followed.items.map((i) => i.id)).toEqual([ids[1]]);
    expect(followed.counts.suivis).toBe(1);
    expect(((await get('/api/v1/services/cantine-desk/inbox?tab=suivis')).body as Page).items).toEqual([]);

    const note = await request(stack.url)
      .post(`/api/v1/submissions/${ids[0]}/notes`)
      .set('Authorization', caseworker)
      .send({ body: 'Justificatif de domicile à vérifier.' });
    expect(note.status).toBe(201);
    expect(
      (
        await request(stack.url)
          .post(`/api/v1/submissions/${ids[0]}/notes`)
          .set('Authorization', caseworker)
          .send({ body: '' })
      ).status,
    ).toBe(400);

    const file = await get(`/api/v1/services/cantine-desk/submissions/${ids[0]}`);
    expect(file.status).toBe(200);
    expect(file.body.notes).toEqual([expect.objectContaining({ body: 'Justificatif de domicile à vérifier.' })]);
    expect(file.body.history.map((h: { type: string }) => h.type)).toEqual(
      expect.arrayContaining(['assigned', 'note_added', 'consulted']),
    );
    // The citizen sees none of it.
    const own = await citizenOfFirst.request(`${stack.url}/api/v1/submissions/${ids[0]}`);
    const view = (await own.json()) as { history: Array<{ type: string }> };
    expect(JSON.stringify(view)).not.toContain('Justificatif de domicile');
    expect(view.history.map((h) => h.type)).toEqual(['created', 'submitted']);
  });

  it('honours Idempotency-Key on notes: the same note sent twice at once or again is one note; another with the key is refused', async () => {
    const id = ids[5]!;
    const ds = stack.api.get(DataSource);
    const count = async (sql: string) => Number(((await ds.query(sql, [id])) as Array<{ n: string }>)[0]!.n);
    const notes = () => count(`SELECT count(*) AS n FROM submission_note WHERE submission_id = $1`);
    const events = () =>
      count(`SELECT count(*) AS n FROM submission_event WHERE submission_id = $1 AND type = 'note_added'`);
    const send = (key: string, body: string, auth = caseworker) =>
      request(stack.url)
        .post(`/api/v1/submissions/${id}/notes`)
        .set('Authorization', auth)
        .set('Idempotency-Key', key)
        .send({ body });
    const body = 'Le RIB ne correspond pas au nom du parent : rappeler.';
    // Two identical sends at once (a double click, or a retry racing the first): one note, one answer.
    const [first, together] = await Promise.all([send('cle-note-1', body), send('cle-note-1', body)]);
    expect([first.status, together.status]).toEqual([201, 201]);
    expect(together.body).toEqual(first.body);
    expect(first.body).toEqual({ id: expect.any(String), author: expect.any(String), body, at: expect.any(String) });
    // Sent again after a lost answer: the first answer again, nothing more written.
    const again = await send('cle-note-1', body);
    expect([again.status, again.body]).toEqual([201, first.body]);
    expect([await notes(), await events()]).toEqual([1, 1]);
    // The same key for another note, or by another agent: refused, in French, nothing written.
    const other = await send('cle-note-1', 'Autre chose.');
    expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(other.body.message).toMatch(/clé d’idempotence/);
    const byColleague = await send('cle-note-1', body, colleague);
    expect([byColleague.status, byColleague.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const bad = await send('clé avec espaces', body);
    expect([bad.status, bad.body.code, bad.body.errors[0].code]).toEqual([400, 'INVALID_REQUEST', 'idempotency_key']);
    expect([await notes(), await events()]).toEqual([1, 1]);
    // The key holds the note's id, never its text (the text stays where retention and rights look for it).
    const [kept] = (await ds.query(`SELECT response FROM idempotency_key WHERE scope = $1`, [`note:${id}`])) as Array<{
      response: unknown;
    }>;
    expect(kept!.response).toEqual({ noteId: first.body.id });
    // Without a key, as before: each note is its own.
    await request(stack.url)
      .post(`/api/v1/submissions/${id}/notes`)
      .set('Authorization', caseworker)
      .send({ body })
      .expect(201);
    expect(await notes()).toBe(2);
    const file = await get(`/api/v1/services/cantine-desk/submissions/${id}`);
    expect(file.body.notes.map((n: { body: string }) => n.body)).toEqual([body, body]);
  });

  it('exports the filter as CSV (BOM, formulas neutralised, ; on request) and JSON Lines', async () => {
    const csv = await get('/api/v1/services/cantine-desk/export?format=csv&sep=semicolon');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const text = csv.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(31);
    expect(lines[0]).toContain('Référence;Statut;Déposée le');
    expect(lines[0]).toContain('Code postal');
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(text).not.toMatch(/(^|;)=HYPERLINK/m);
    const north = await get('/api/v1/services/cantine-desk/export?format=jsonl&field=/parent/postalCode=45100');
    const rows = north.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { data: { parent: { postalCode: string } } });
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.data.parent.postalCode === '45100')).toBe(true);
    expect((await get('/api/v1/services/cantine-desk/export?format=ods')).status).toBe(400);
    expect((await get('/api/v1/services/cantine-desk/export?format=csv&limit=abc')).status).toBe(400);
    // Without a format, the same path is still the designers' portable export.
    expect((await get('/api/v1/services/cantine-desk/export', designer.auth)).body.service.slug).toBe('cantine-desk');
  });

  it('applies a batch action item by item, refusing what is not this service’s or not possible', async () => {
    const other = await createTenant(stack);
    const batch = await request(stack.url)
      .post('/api/v1/services/cantine-desk/batch')
      .set('Authorization', caseworker)
      .send({
        ids: [ids[3], ids[4], ids[3], '3f1c2b9e-8d2a-4c4e-9a57-0c7d0b6d1e2f', 'pas-un-id'],
        action: { transition: 'start_review' },
      });
    expect(batch.status).toBe(200);
    expect(batch.body.results).toEqual([
      { id: ids[3], status: 200, result: { status: 'in_review', revision: expect.any(Number) } },
      { id: ids[4], status: 200, result: { status: 'in_review', revision: expect.any(Number) } },
      expect.objectContaining({ id: '3f1c2b9e-8d2a-4c4e-9a57-0c7d0b6d1e2f', status: 404, code: 'NOT_FOUND' }),
      expect.objectContaining({ id: 'pas-un-id', status: 404 }),
    ]);
    const again = await request(stack.url)
      .post('/api/v1/services/cantine-desk/batch')
      .set('Authorization', caseworker)
      .send({ ids: [ids[3], ids[5]], action: { transition: 'reject' } });
    expect(again.body.results.map((r: { status: number; code?: string }) => [r.status, r.code])).toEqual([
      [422, 'COMMENT_REQUIRED'],
      [409, 'TRANSITION_NOT_AVAILABLE'],
    ]);
    for (const body of [
      { ids: [], action: { transition: 'start_review' } },
      { ids: Array.from({ length: 101 }, () => ids[0]), action: { transition: 'start_review' } },
      { ids: [ids[0]], action: {} },
      { ids: [ids[0]], action: { transition: 'start_review', assign: null } },
      { ids: 'tous', action: { transition: 'start_review' } },
    ]) {
      const refused = await request(stack.url)
        .post('/api/v1/services/cantine-desk/batch')
        .set('Authorization', caseworker)
        .send(body);
      expect(refused.status).toBe(400);
    }
    // Another organisation's caseworker cannot reach these requests through its own service either.
    const foreign = await request(stack.url)
      .post('/api/v1/services/cantine-desk/batch')
      .set('Authorization', other.auth)
      .send({ ids: [ids[6]], action: { assign: null } });
    expect(foreign.body.results).toEqual([expect.objectContaining({ status: 404 })]);
  });

  it('lets an admin issue tokens limited to services, to reading, and in time', async () => {
    const tokens = new ApiTokenService(stack.api.get(DataSource));
    const admin = `Bearer ${(await tokens.issue({ organisationId: designer.organisationId, name: 'admin', role: 'admin' })).token}`;
    const create = (body: Record<string, unknown>, auth = admin) =>
      request(stack.url)
        .post('/api/v1/tokens')
        .set('Authorization', auth)
        .send({ organisationId: designer.organisationId, name: 'intégration', role: 'caseworker', ...body });
    expect((await create({}, caseworker)).status).toBe(403);
    const unknown = await create({ services: ['cantine-desk', 'nulle-part'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].pointer).toBe('/services/1');
    expect((await create({ expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(400);

    const reader = await create({ services: ['cantine-desk'], readOnly: true, expiresAt: '2099-01-01T00:00:00Z' });
    expect(reader.status).toBe(201);
    expect(reader.body.token).toMatch(/^gch_/);
    const read = `Bearer ${reader.body.token}`;
    expect((await get('/api/v1/services/cantine-desk/inbox', read)).status).toBe(200);
    expect((await get(`/api/v1/services/cantine-desk/submissions/${ids[7]}`, read)).status).toBe(200);
    expect((await get('/api/v1/services/cantine-desk/export?format=jsonl', read)).status).toBe(200);
    for (const [path, body] of [
      [`/api/v1/submissions/${ids[7]}/transitions`, { transition: 'start_review' }],
      [`/api/v1/submissions/${ids[7]}/notes`, { body: 'x' }],
      [`/api/v1/submissions/${ids[7]}/messages`, { body: 'x' }],
      [`/api/v1/submissions/${ids[7]}/assign`, { agentId: null }],
    ] as const) {
      const refused = await request(stack.url).post(path).set('Authorization', read).send(body);
      expect([path, refused.status, refused.body.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
    const batch = await request(stack.url)
      .post('/api/v1/services/cantine-desk/batch')
      .set('Authorization', read)
      .send({ ids: [ids[7]], action: { transition: 'start_review' } });
    expect(batch.body.results).toEqual([expect.objectContaining({ status: 403 })]);

    // Limited to another service: this one does not exist for it.
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({
        slug: 'cantine-autre',
        title: 'Autre',
        organisationId: designer.organisationId,
        definition: canteenDefinition(),
      })
      .expect(201);
    const elsewhere = `Bearer ${(await create({ services: ['cantine-autre'] })).body.token}`;
    expect((await get('/api/v1/services/cantine-desk/inbox', elsewhere)).status).toBe(404);
    expect((await get(`/api/v1/services/cantine-desk/submissions/${ids[7]}`, elsewhere)).status).toBe(404);
    expect(
      (
        await request(stack.url)
          .post(`/api/v1/submissions/${ids[7]}/transitions`)
          .set('Authorization', elsewhere)
          .send({ transition: 'start_review' })
      ).status,
    ).toBe(404);

    // Expired, then revoked: 401.
    await stack.api
      .get(DataSource)
      .query(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, [reader.body.id]);
    expect((await get('/api/v1/services/cantine-desk/inbox', read)).status).toBe(401);
    const listed = await get(`/api/v1/tokens?organisationId=${designer.organisationId}`, admin);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('gch_');
    const revokable = await create({});
    expect(
      (await request(stack.url).delete(`/api/v1/tokens/${revokable.body.id}`).set('Authorization', admin)).status,
    ).toBe(200);
    expect((await get('/api/v1/services/cantine-desk/inbox', `Bearer ${revokable.body.token}`)).status).toBe(401);
  });

  it('shows an agent of some routing groups only those groups’ requests', async () => {
    const dataSource = stack.api.get(DataSource);
    await dataSource.query(
      `UPDATE submission SET group_key = CASE WHEN id = ANY($1::uuid[]) THEN 'nord' ELSE 'sud' END WHERE service_id = (SELECT id FROM service WHERE slug = 'cantine-desk')`,
      [ids.slice(0, 4)],
    );
    // As the session of an agent whose membership is limited to the "nord" group holds it (AccountService.rolesOf).
    const nord = deskActorOf({
      id: 'account:00000000-0000-4000-8000-000000000001',
      roles: [{ organisationId: designer.organisationId, role: 'caseworker', groups: ['nord'] }],
    });
    const page = await stack.api.get(Inbox).list('cantine-desk', nord, { limit: '100' });
    expect(page.items.map((i) => i.id).sort()).toEqual(ids.slice(0, 4).sort());
    expect(page.counts.tous).toBe(4);
    await expect(stack.api.get(CaseActions).read('cantine-desk', ids[10]!, nord)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(stack.api.get(CaseActions).read('cantine-desk', ids[1]!, nord)).resolves.toMatchObject({ id: ids[1] });
    await dataSource.query(
      `UPDATE submission SET group_key = NULL WHERE service_id = (SELECT id FROM service WHERE slug = 'cantine-desk')`,
    );
  });

  it('pages « Suivis » through what the agent holds and what they follow, merged in the inbox order, each once', async () => {
    const dataSource = stack.api.get(DataSource);
    // The colleague follows ids[1..4] (ids[1] since the test above); holds ids[3..12] (ids[3] and ids[4]: both).
    for (const id of ids.slice(1, 5))
      await request(stack.url).put(`/api/v1/submissions/${id}/follow`).set('Authorization', colleague).expect(200);
    const [{ agent }] = (await dataSource.query(`SELECT agent FROM submission_follower WHERE submission_id = $1`, [
      ids[2],
    ])) as [{ agent: string }];
    const held = ids.slice(3, 13);
    await dataSource.query(`UPDATE submission SET assignee = $2 WHERE id = ANY($1::uuid[])`, [held, agent]);
    try {
      const expected = new Set([ids[1]!, ...ids.slice(2, 5), ...held]);
      const all = (await get('/api/v1/services/cantine-desk/inbox?limit=100')).body as Page;
      const inOrder = all.items.map((i) => i.id).filter((id) => expected.has(id));
      expect(inOrder).toHaveLength(12);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = (
          await get(
            `/api/v1/services/cantine-desk/inbox?tab=suivis&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
            colleague,
          )
        ).body as Page;
        expect(page.counts.suivis).toBe(12);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(inOrder);
      // Oldest first too, the same set in the reverse order.
      const oldest = (await get('/api/v1/services/cantine-desk/inbox?tab=suivis&sort=oldest&limit=50', colleague))
        .body as Page;
      expect(oldest.items.map((i) => i.id)).toEqual([...inOrder].reverse());
    } finally {
      await dataSource.query(`UPDATE submission SET assignee = NULL WHERE id = ANY($1::uuid[])`, [held]);
    }
  });

  it('shows nothing to other organisations, designers or citizens', async () => {
    const stranger = await createTenant(stack, 'caseworker');
    for (const path of [
      '/api/v1/services/cantine-desk/inbox',
      `/api/v1/services/cantine-desk/submissions/${ids[2]}`,
      '/api/v1/services/cantine-desk/export?format=csv',
    ]) {
      expect([path, (await get(path, stranger.auth)).status]).toEqual([path, 404]);
      expect([path, (await get(path, designer.auth)).status]).toEqual([path, 404]);
      expect([path, (await request(stack.url).get(path)).status]).toEqual([path, 401]);
    }
    for (const [method, path, body] of [
      ['post', `/api/v1/submissions/${ids[2]}/notes`, { body: 'x' }],
      ['post', `/api/v1/submissions/${ids[2]}/assign`, { agentId: null }],
      ['put', `/api/v1/submissions/${ids[2]}/follow`, undefined],
    ] as const) {
      const response = await request(stack.url)[method](path).set('Authorization', stranger.auth).send(body);
      expect([path, response.status]).toEqual([path, 404]);
    }
  });
});
