import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { MaintenanceService } from '../../apps/worker/src/maintenance.service';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { waitUntil } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';
import { readZip } from '../support/zip';

/**
 * Issue 18, intake bounded: what one hostile or careless request could do to
 * the intake (file names read as latin1, replaced uploads piling up, anonymous
 * pings, a Content-Encoding that lies, formulas in spreadsheet headers) —
 * each over real HTTP, each failing before its fix.
 */
describe('intake hardening', () => {
  let stack: Stack;
  let admin: Tenant;
  let caseworker: string;
  const SLUG = 'cantine-saisie';
  const NAME = 'relevé d’identité.pdf';
  const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x41), Buffer.from('\n%%EOF\n')]);

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: true, env: { RATE_LIMITS: 'off' } });
    admin = await createTenant(stack, 'admin');
    const definition = canteenDefinition();
    // Designer titles a spreadsheet would run as formulas.
    const properties = definition.schema.properties as Record<string, { title: string }>;
    properties.siret!.title = '=HYPERLINK("http://evil.example","clic")';
    properties.allergyDetails!.title = '@SUM(A1:A9)';
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', admin.auth)
      .send({ slug: SLUG, title: 'Cantine', organisationId: admin.organisationId, definition })
      .expect(201);
    await request(stack.url).post(`/api/v1/services/${SLUG}/publish`).set('Authorization', admin.auth).expect(201);
    const issued = await new ApiTokenService(stack.api.get(DataSource)).issue({
      organisationId: admin.organisationId,
      name: 'instruction',
      role: 'caseworker',
    });
    caseworker = `Bearer ${issued.token}`;
  });
  afterAll(() => stack?.close());

  /** A browser: cookies kept, the CSRF token sent back as the web app does. */
  function browser() {
    const client = new CookieClient();
    const call = (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      return client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined || method === 'GET' ? undefined : JSON.stringify(body),
      });
    };
    const upload = (id: string, bytes: Buffer, name: string) => {
      const form = new FormData();
      form.append('pointer', '/certificate');
      form.append('file', new Blob([new Uint8Array(bytes)]), name);
      const csrf = client.cookie(stack.url, 'csrf_token');
      return client.request(`${stack.url}/api/v1/submissions/${id}/attachments`, {
        method: 'POST',
        headers: csrf ? { 'x-csrf-token': csrf } : {},
        body: form,
      });
    };
    return { client, call, upload };
  }

  const withFile = (attachmentId: string) => ({
    ...validCanteenData(),
    hasAllergy: 'oui',
    allergyDetails: 'arachide',
    certificate: attachmentId,
  });

  async function draft(who: ReturnType<typeof browser>): Promise<string> {
    const created = await who.call('POST', `/api/v1/public/services/${SLUG}/submissions`, {});
    expect(created.status).toBe(201);
    return ((await created.json()) as { id: string }).id;
  }

  /** The exact name a Content-Disposition gives (RFC 6266: filename* first). */
  function dispositionName(header: string | null): string | undefined {
    const star = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '')?.[1];
    return star ? decodeURIComponent(star) : undefined;
  }

  it('keeps an accented file name exact from upload to the citizen’s and the caseworker’s downloads', async () => {
    const marie = browser();
    const id = await draft(marie);
    const uploaded = await marie.upload(id, PDF, NAME);
    expect(uploaded.status).toBe(201);
    const { attachmentId } = (await uploaded.json()) as { attachmentId: string };
    expect((await marie.call('PATCH', `/api/v1/submissions/${id}`, { data: withFile(attachmentId) })).status).toBe(200);
    expect((await marie.call('POST', `/api/v1/submissions/${id}/submit`, {})).status).toBe(200);

    const mine = await marie.call('GET', `/api/v1/submissions/${id}/attachments/${attachmentId}`);
    expect(mine.status).toBe(200);
    const disposition = mine.headers.get('content-disposition');
    expect(dispositionName(disposition)).toBe(NAME);
    // The ASCII fallback for old clients: accents folded, the rest replaced, no raw non-ASCII byte in the header.
    expect(disposition).toContain('attachment; filename="releve d_identite.pdf"');
    expect(Buffer.from(await mine.arrayBuffer()).equals(PDF)).toBe(true);

    const desk = await request(stack.url)
      .get(`/api/v1/services/${SLUG}/submissions/${id}/attachments/${attachmentId}`)
      .set('Authorization', caseworker)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(desk.status).toBe(200);
    expect(dispositionName(desk.headers['content-disposition'] as string)).toBe(NAME);
    expect((desk.body as Buffer).equals(PDF)).toBe(true);
    const caseFile = await request(stack.url)
      .get(`/api/v1/services/${SLUG}/submissions/${id}`)
      .set('Authorization', caseworker)
      .expect(200);
    expect(caseFile.body.attachments).toEqual([expect.objectContaining({ id: attachmentId, filename: NAME })]);
  });

  it('deletes a replaced file when the draft is saved without it, and never one still referenced', async () => {
    const karim = browser();
    const id = await draft(karim);
    const first = (await (await karim.upload(id, PDF, 'premier.pdf')).json()) as { attachmentId: string };
    expect(
      (await karim.call('PATCH', `/api/v1/submissions/${id}`, { data: withFile(first.attachmentId) })).status,
    ).toBe(200);
    const db = stack.api.get(DataSource);
    const [{ storage_key: firstKey }] = (await db.query('SELECT storage_key FROM attachment WHERE id = $1', [
      first.attachmentId,
    ])) as [{ storage_key: string }];
    const onDisk = (key: string) => existsSync(join(stack.config.DATA_DIR, 'attachments', key));
    expect(onDisk(firstKey!)).toBe(true);

    // Another draft names Karim's file (a forged reference): its saves never touch a file that is not its own.
    const intruder = browser();
    const theirs = await draft(intruder);
    expect(
      (await intruder.call('PATCH', `/api/v1/submissions/${theirs}`, { data: withFile(first.attachmentId) })).status,
    ).toBe(200);
    expect((await intruder.call('PATCH', `/api/v1/submissions/${theirs}`, { data: validCanteenData() })).status).toBe(
      200,
    );
    expect(await db.query('SELECT id FROM attachment WHERE id = $1', [first.attachmentId])).toHaveLength(1);

    const second = (await (await karim.upload(id, PDF, 'second.pdf')).json()) as { attachmentId: string };
    // Saved with the new file: the old one goes now, not in 24 hours.
    expect(
      (await karim.call('PATCH', `/api/v1/submissions/${id}`, { data: withFile(second.attachmentId) })).status,
    ).toBe(200);
    expect(await db.query('SELECT id FROM attachment WHERE id = $1', [first.attachmentId])).toHaveLength(0);
    expect(onDisk(firstKey!)).toBe(false);
    expect(await db.query('SELECT id FROM attachment WHERE id = $1', [second.attachmentId])).toHaveLength(1);
    // Removed from the answers: gone too.
    expect((await karim.call('PATCH', `/api/v1/submissions/${id}`, { data: validCanteenData() })).status).toBe(200);
    expect(await db.query('SELECT id FROM attachment WHERE submission_id = $1', [id])).toHaveLength(0);
  });

  it('refuses a sixth file sent without saving, in a clear 409, and accepts again once the draft is saved', async () => {
    const lea = browser();
    const id = await draft(lea);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await lea.upload(id, PDF, `piece-${i}.pdf`);
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { attachmentId: string }).attachmentId);
    }
    const sixth = await lea.upload(id, PDF, 'piece-6.pdf');
    expect(sixth.status).toBe(409);
    const body = (await sixth.json()) as { code: string; message: string };
    expect(body.code).toBe('FILES_QUOTA_EXCEEDED');
    expect(body.message).toContain('5 fichiers envoyés sans être enregistrés');
    const db = stack.api.get(DataSource);
    expect(await db.query('SELECT id FROM attachment WHERE submission_id = $1', [id])).toHaveLength(5);
    // Saving one of them makes it the draft's file: room for one more.
    expect((await lea.call('PATCH', `/api/v1/submissions/${id}`, { data: withFile(ids[4]!) })).status).toBe(200);
    expect((await lea.upload(id, PDF, 'piece-7.pdf')).status).toBe(201);
  });

  it('keeps POST /api/v1/system/pings for administrators, and purges old pings', async () => {
    expect((await request(stack.url).post('/api/v1/system/pings')).status).toBe(401);
    const citizen = browser();
    await draft(citizen);
    expect((await citizen.call('POST', '/api/v1/system/pings', {})).status).toBe(401);
    expect((await request(stack.url).post('/api/v1/system/pings').set('Authorization', caseworker)).status).toBe(403);
    const created = await request(stack.url).post('/api/v1/system/pings').set('Authorization', admin.auth).expect(202);
    await waitUntil('ping completed', 20_000, async () => {
      const res = await request(stack.url).get(`/api/v1/system/pings/${created.body.id}`).expect(200);
      return res.body.status === 'completed' || undefined;
    });

    const db = stack.api.get(DataSource);
    await db.query(`UPDATE system_ping SET completed_at = now() - interval '2 hours' WHERE id = $1`, [created.body.id]);
    const [{ id: stale }] = (await db.query(
      `INSERT INTO system_ping (backend, requested_at) VALUES ('postgres', now() - interval '2 days') RETURNING id`,
    )) as [{ id: string }];
    const [{ id: fresh }] = (await db.query(`INSERT INTO system_ping (backend) VALUES ('postgres') RETURNING id`)) as [
      { id: string },
    ];
    await stack.worker!.get(MaintenanceService).run();
    const left = (await db.query('SELECT id FROM system_ping WHERE id = ANY($1)', [
      [created.body.id, stale, fresh],
    ])) as Array<{ id: string }>;
    expect(left.map((r) => r.id)).toEqual([fresh]);
  });

  it.each([
    ['gzip', 400, 'CONTENT_ENCODING_INVALID', Buffer.from('{"data":{}}')],
    ['deflate', 400, 'CONTENT_ENCODING_INVALID', Buffer.from('{"data":{}}')],
    ['br', 400, 'CONTENT_ENCODING_INVALID', Buffer.from('{"data":{}}')],
    ['x-klingon', 415, 'CONTENT_ENCODING_UNSUPPORTED', Buffer.from('{"data":{}}')],
    ['gzip, br', 415, 'CONTENT_ENCODING_UNSUPPORTED', gzipSync('{"data":{}}')],
  ])(
    'answers Content-Encoding « %s » that the body does not match with %i %s',
    async (encoding, status, code, body) => {
      const res = await fetch(`${stack.url}/api/v1/public/services/${SLUG}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      expect(res.status).toBe(status);
      const answer = (await res.json()) as { code: string; message: string };
      expect(answer.code).toBe(code);
      expect(answer.message).toContain(encoding);
    },
  );

  it('still reads a JSON body that really is gzip, and refuses a compressed upload it could not read', async () => {
    const res = await fetch(`${stack.url}/api/v1/public/services/${SLUG}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ data: { hasAllergy: 'non' } })),
    });
    expect(res.status).toBe(201);
    const form = new FormData();
    form.append('pointer', '/certificate');
    form.append('file', new Blob([PDF]), 'x.pdf');
    const multipart = new Request('http://x/', { method: 'POST', body: form });
    const upload = await fetch(
      `${stack.url}/api/v1/submissions/${((await res.json()) as { id: string }).id}/attachments`,
      {
        method: 'POST',
        headers: { 'content-type': multipart.headers.get('content-type')!, 'content-encoding': 'gzip' },
        body: Buffer.from(await multipart.arrayBuffer()),
      },
    );
    expect(upload.status).toBe(415);
    expect(((await upload.json()) as { code: string }).code).toBe('CONTENT_ENCODING_UNSUPPORTED');
  });

  it('neutralises designer titles a spreadsheet would run, in XLSX headers as in CSV', async () => {
    const who = browser();
    const id = await draft(who);
    expect((await who.call('PATCH', `/api/v1/submissions/${id}`, { data: validCanteenData() })).status).toBe(200);
    expect((await who.call('POST', `/api/v1/submissions/${id}/submit`, {})).status).toBe(200);
    const xlsx = await request(stack.url)
      .get(`/api/v1/services/${SLUG}/export?format=xlsx`)
      .set('Authorization', caseworker)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const sheet = (await readZip(xlsx.body as Buffer)).find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
    const header = /<row r="1">(.*?)<\/row>/.exec(sheet.data.toString('utf8'))![1]!;
    const titles = [...header.matchAll(/<t>(.*?)<\/t>/g)].map((m) => m[1]!);
    expect(titles).toContain('\'=HYPERLINK("http://evil.example","clic")');
    expect(titles).toContain("'@SUM(A1:A9)");
    expect(titles.filter((t) => /^[=+\-@\t\r]/.test(t))).toEqual([]);

    const csv = await request(stack.url)
      .get(`/api/v1/services/${SLUG}/export?format=csv`)
      .set('Authorization', caseworker)
      .expect(200);
    const firstLine = csv.text.split('\r\n')[0]!;
    expect(firstLine).toContain('"\'=HYPERLINK(""http://evil.example"",""clic"")"');
    expect(firstLine).toContain('"\'@SUM(A1:A9)"');
  });
});
