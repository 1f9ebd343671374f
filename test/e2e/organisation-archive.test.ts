import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ZipFile } from 'yazl';
import { open as openZip, type Entry } from 'yauzl';
import { exportOrganisation, importOrganisation, OrganisationArchiveError, type Manifest } from '@guichet/desk';
import { ApiTokenService } from '@guichet/identity';
import { createDataSource } from '@guichet/persistence';
import { LocalDiskStorage, attachmentStorage, followLinkKey, followToken } from '@guichet/submissions';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitUntil } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const PDF = (n: number) =>
  Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2000 + n * 100), Buffer.from('\n%%EOF\n')]);

/** Every entry of an archive, bytes included (the test's archives are small). */
async function readArchive(path: string): Promise<Map<string, Buffer>> {
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) =>
    openZip(path, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))),
  );
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) =>
      zip.openReadStream(entry, async (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(c as Buffer);
        files.set(entry.fileName, Buffer.concat(chunks));
        zip.readEntry();
      }),
    );
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

/** Writes an archive from entries; `resign` recomputes the manifest's checksums (a forger who knows the format). */
async function writeArchive(path: string, files: Map<string, Buffer>, resign = false): Promise<void> {
  const entries = new Map(files);
  if (resign) {
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as Manifest;
    manifest.files = manifest.files.map((f) => ({
      path: f.path,
      bytes: entries.get(f.path)!.length,
      sha256: createHash('sha256').update(entries.get(f.path)!).digest('hex'),
    }));
    entries.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
  }
  const zip = new ZipFile();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  for (const [name, bytes] of entries) zip.addBuffer(bytes, name);
  zip.end();
  await finished(out);
}

const COUNTED = [
  'organisation',
  'service',
  'form_version',
  'submission',
  'submission_event',
  'submission_message',
  'submission_note',
  'submission_document',
  'attachment',
  'agent_membership',
  'caseworker_group',
  'organisation_event',
];

/** A commune leaves with its data: export from one installation, import into another, same data and files. */
describe('organisation archive: export and import', () => {
  let stack: Stack;
  let tenant: Tenant;
  let caseworker: string;
  let target: TestDatabase;
  let targetSource: DataSource;
  let targetFiles: string;
  let dir: string;
  let archive: string;
  const uploaded = new Map<string, Buffer>();
  let deadline: { id: string; status_event_id: string };
  const services = ['cantine-archive', 'periscolaire-archive'];

  const api = (auth: string) => ({
    get: (path: string) => request(stack.url).get(path).set('Authorization', auth),
    post: (path: string, body: object = {}) => request(stack.url).post(path).set('Authorization', auth).send(body),
    put: (path: string, body: object, revision: number) =>
      request(stack.url).put(path).set('Authorization', auth).set('If-Match', `"${revision}"`).send(body),
  });

  async function fileRequest(slug: string, n: number): Promise<string> {
    const client = new CookieClient();
    const call = (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      return client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    };
    const created = await call('POST', `/api/v1/public/services/${slug}/submissions`, {});
    const { id } = (await created.json()) as { id: string };
    const form = new FormData();
    form.append('pointer', '/certificate');
    const bytes = PDF(n);
    form.append('file', new Blob([new Uint8Array(bytes)]), `certificat n°${n} é.pdf`);
    const csrf = client.cookie(stack.url, 'csrf_token');
    const upload = await client.request(`${stack.url}/api/v1/submissions/${id}/attachments`, {
      method: 'POST',
      headers: csrf ? { 'x-csrf-token': csrf } : {},
      body: form,
    });
    expect(upload.status).toBe(201);
    const { attachmentId } = (await upload.json()) as { attachmentId: string };
    uploaded.set(attachmentId, bytes);
    const data = {
      ...validCanteenData(),
      hasAllergy: 'oui',
      allergyDetails: `arachide ${n}`,
      certificate: attachmentId,
    };
    expect((await call('PATCH', `/api/v1/submissions/${id}`, { data })).status).toBe(200);
    expect((await call('POST', `/api/v1/submissions/${id}/submit`, {})).status).toBe(200);
    return id;
  }

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres' });
    tenant = await createTenant(stack);
    const source = stack.api.get(DataSource);
    caseworker = `Bearer ${(await new ApiTokenService(source).issue({ organisationId: tenant.organisationId, name: 'instruction', role: 'caseworker' })).token}`;
    const designer = api(tenant.auth);
    for (const slug of services) {
      await designer
        .post('/api/v1/services', {
          slug,
          title: `Démarche ${slug}`,
          organisationId: tenant.organisationId,
          definition: canteenDefinition(),
        })
        .expect(201);
      await designer.post(`/api/v1/services/${slug}/publish`).expect(201);
    }
    // A second and a third version of the first service: requests are filed on different versions.
    const ids: string[] = [await fileRequest(services[0]!, 1), await fileRequest(services[1]!, 2)];
    for (const title of ['Cantine, rentrée 2027', 'Cantine, rentrée 2028']) {
      const read = await designer.get(`/api/v1/services/${services[0]}`).expect(200);
      const definition = read.body.draft as { schema: { title?: string } };
      definition.schema.title = title;
      await designer.put(`/api/v1/services/${services[0]}/draft`, definition, read.body.draftRevision).expect(200);
      await designer.post(`/api/v1/services/${services[0]}/publish`).expect(201);
      ids.push(await fileRequest(services[0]!, ids.length + 1));
    }
    ids.push(await fileRequest(services[1]!, ids.length + 1));
    const desk = api(caseworker);
    for (const [i, id] of ids.entries()) {
      await desk.post(`/api/v1/submissions/${id}/messages`, { body: `Bonjour, dossier ${i}.` }).expect(201);
      await desk.post(`/api/v1/submissions/${id}/notes`, { body: `Note privée ${i}.` }).expect(201);
      if (i % 2 === 0) {
        await desk.post(`/api/v1/submissions/${id}/transitions`, { transition: 'start_review' }).expect(200);
        await desk
          .post(`/api/v1/submissions/${id}/transitions`, { transition: 'accept', comment: 'Inscription validée.' })
          .expect(200);
      }
    }
    // The worker writes the decision letters.
    await waitUntil('decision letters', 30_000, async () => {
      const [{ n }] = await source.query(
        `SELECT count(*)::int AS n FROM submission_document WHERE organisation_id = $1`,
        [tenant.organisationId],
      );
      return n >= 3 ? true : undefined;
    });
    // A request waiting on a deadline (« silence vaut accord »): its job must be queued again after the move.
    const [[waiting]] = (await source.query(
      `UPDATE submission SET deadline_at = now() + interval '30 days', deadline_transition = 'accept'
       WHERE id = $1 AND status_event_id IS NOT NULL RETURNING id, status_event_id`,
      [ids[1]],
    )) as [[{ id: string; status_event_id: string }]];
    deadline = waiting;
    // Agents and a group, as an admin would have made them.
    const serviceId = (await source.query(`SELECT id FROM service WHERE slug = $1`, [services[0]]))[0].id as string;
    await source.query(
      `INSERT INTO agent_membership (organisation_id, email, role, service_id, group_key) VALUES
       ($1, 'lea@commune.fr', 'admin', NULL, NULL), ($1, 'karim@commune.fr', 'caseworker', $2, 'nord')`,
      [tenant.organisationId, serviceId],
    );
    await source.query(
      `INSERT INTO account (kind, issuer, subject, email, display_name) VALUES ('agent', 'https://agents.example', 'sub-lea', 'lea@commune.fr', 'Léa Fontaine')`,
    );
    await source.query(
      `INSERT INTO caseworker_group (organisation_id, service_id, key, label) VALUES ($1, $2, 'nord', 'Secteur nord')`,
      [tenant.organisationId, serviceId],
    );

    dir = mkdtempSync(join(tmpdir(), 'guichet-archive-'));
    archive = join(dir, 'commune.zip');
    await exportOrganisation(source, attachmentStorage(stack.config), tenant.slug, createWriteStream(archive));

    target = await createTestDatabase();
    targetSource = createDataSource({ url: target.url, poolSize: 2, applicationName: 'archive-target' });
    await targetSource.initialize();
    targetFiles = mkdtempSync(join(tmpdir(), 'guichet-archive-target-'));
  }, 180_000);

  afterAll(async () => {
    await targetSource?.destroy();
    await target?.drop();
    await stack?.close();
  });

  const storageFiles = (root: string): string[] =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  const organisations = async () =>
    ((await targetSource.query(`SELECT count(*)::int AS n FROM organisation`)) as [{ n: number }])[0].n;

  async function refused(path: string, code: string, message: RegExp): Promise<void> {
    const before = await organisations();
    const error = await importOrganisation(targetSource, new LocalDiskStorage(targetFiles), path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OrganisationArchiveError);
    expect((error as OrganisationArchiveError).code).toBe(code);
    expect((error as OrganisationArchiveError).message).toMatch(message);
    expect(await organisations()).toBe(before);
    expect(storageFiles(targetFiles)).toEqual([]);
  }

  it('writes an archive whose manifest lists every file with its SHA-256, definitions as the forms CLI writes them', async () => {
    const files = await readArchive(archive);
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Manifest;
    expect(manifest).toMatchObject({ kind: 'guichet-organisation-archive', formatVersion: 1 });
    expect(manifest.counts).toMatchObject({
      services: 2,
      versions: 4,
      requests: 5,
      attachments: 5,
      memberships: 2,
      groups: 1,
    });
    expect(manifest.counts.documents).toBeGreaterThanOrEqual(3);
    expect(new Set(manifest.files.map((f) => f.path))).toEqual(
      new Set([...files.keys()].filter((n) => n !== 'manifest.json')),
    );
    for (const f of manifest.files)
      expect(createHash('sha256').update(files.get(f.path)!).digest('hex')).toBe(f.sha256);
    // The definition file, as `forms export` writes it.
    const version = JSON.parse(files.get(`services/${services[0]}/versions/3.json`)!.toString()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(version)).toEqual(['guichet', 'formatVersion', 'service', 'definition']);
    expect(files.get(`services/${services[0]}/versions/3.json`)!.toString()).toBe(
      `${JSON.stringify(version, null, 2)}\n`,
    );
    // No secret: no token hash, no webhook secret, no anonymous owner's hash.
    const all = [...files.entries()].filter(([n]) => !n.startsWith('attachments/') && !n.startsWith('documents/'));
    const text = all.map(([, b]) => b.toString()).join('\n');
    expect(text).not.toMatch(/token_hash|webhook_secret|anonymous_owner|gch_/);
    const csv = files.get(`services/${services[0]}/requests.csv`)!.toString();
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
  });

  it('stops with the error of a full disk or of a missing file instead of waiting forever', async () => {
    const source = stack.api.get(DataSource);
    let total = 0;
    const full = new Writable({
      write(chunk: Buffer, _encoding, done) {
        total += chunk.length;
        done(total > 5000 ? Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }) : null);
      },
    });
    await expect(exportOrganisation(source, attachmentStorage(stack.config), tenant.slug, full)).rejects.toThrow(
      /ENOSPC/,
    );
    const storage = attachmentStorage(stack.config);
    const missing = {
      put: (key: string, bytes: Buffer) => storage.put(key, bytes),
      delete: (key: string) => storage.delete(key),
      get: () => {
        const stream = new PassThrough();
        setImmediate(() => stream.destroy(new Error('ENOENT: no such file')));
        return stream;
      },
    };
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    await expect(exportOrganisation(source, missing, tenant.slug, sink)).rejects.toThrow(/ENOENT/);
  });

  it('refuses hostile archives in French and writes nothing', async () => {
    const files = await readArchive(archive);
    const tampered = new Map(files);
    const requests = Buffer.from(tampered.get('requests.jsonl')!);
    requests[requests.indexOf('arachide') + 1] = 0x41;
    tampered.set('requests.jsonl', requests);
    await writeArchive(join(dir, 'tampered.zip'), tampered);
    await refused(join(dir, 'tampered.zip'), 'ARCHIVE_CHECKSUM', /empreinte SHA-256 de « requests\.jsonl »/);

    const version = new Map(files);
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Manifest;
    version.set('manifest.json', Buffer.from(JSON.stringify({ ...manifest, formatVersion: 99 })));
    await writeArchive(join(dir, 'version.zip'), version);
    await refused(join(dir, 'version.zip'), 'ARCHIVE_FORMAT', /version de format 99/);

    // `../x`: yazl refuses to write the name, so the bytes of a same-length name are changed afterwards.
    const escaping = new Map(files);
    escaping.set('zz/evil', Buffer.from('x'));
    await writeArchive(join(dir, 'escape.zip'), escaping);
    const raw = readFileSync(join(dir, 'escape.zip'));
    writeFileSync(
      join(dir, 'escape.zip'),
      Buffer.from(raw.toString('latin1').replaceAll('zz/evil', '../evil'), 'latin1'),
    );
    await refused(join(dir, 'escape.zip'), 'ARCHIVE_UNSAFE_NAME', /nom de fichier/);

    const bomb = new Map(files);
    bomb.set('requests.jsonl', Buffer.alloc(20 * 1024 * 1024, 0x20));
    await writeArchive(join(dir, 'bomb.zip'), bomb, true);
    await refused(join(dir, 'bomb.zip'), 'ARCHIVE_TOO_LARGE', /dépasse les limites/);

    // Well signed but wrong inside: attachments are written, then the transaction fails; both are undone.
    const foreign = new Map(files);
    foreign.set(
      'notes.jsonl',
      Buffer.from(
        foreign.get('notes.jsonl')!.toString().replace(tenant.organisationId, '00000000-0000-4000-8000-000000000000'),
      ),
    );
    await writeArchive(join(dir, 'foreign.zip'), foreign, true);
    await refused(join(dir, 'foreign.zip'), 'ARCHIVE_INCONSISTENT', /autre organisation/);

    await refused(join(dir, 'missing.zip'), 'ARCHIVE_UNREADABLE', /archive illisible/);
  });

  it('imports into another installation: same counts, answers, files, definitions and references', async () => {
    const source = stack.api.get(DataSource);
    const imported = await importOrganisation(targetSource, new LocalDiskStorage(targetFiles), archive);
    expect(imported.organisation.slug).toBe(tenant.slug);
    const count = async (db: DataSource, table: string) =>
      (
        (await db.query(
          table === 'organisation'
            ? `SELECT count(*)::int AS n FROM organisation WHERE id = $1`
            : `SELECT count(*)::int AS n FROM "${table}" WHERE organisation_id = $1`,
          [tenant.organisationId],
        )) as [{ n: number }]
      )[0].n;
    for (const table of COUNTED)
      expect([table, await count(targetSource, table)]).toEqual([table, await count(source, table)]);

    const requests = `SELECT id, reference, status, data, version_number, form_version_id, follow_generation, submitted_at
                      FROM submission WHERE organisation_id = $1 ORDER BY id`;
    const before = await source.query(requests, [tenant.organisationId]);
    const after = await targetSource.query(requests, [tenant.organisationId]);
    expect(after).toEqual(before);
    expect(after.every((r: { reference: string }) => /^GCH-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(r.reference))).toBe(true);
    // Follow links stay valid where the new installation keeps the same SESSION_SECRET: same id, same generation.
    const key = followLinkKey(stack.config.SESSION_SECRET!);
    for (const [i, row] of after.entries())
      expect(followToken(key, { id: row.id, followGeneration: row.follow_generation })).toBe(
        followToken(key, { id: before[i].id, followGeneration: before[i].follow_generation }),
      );

    // Definitions: the very text, key order included.
    const definitions = `SELECT number, definition::text AS d, content_hash FROM form_version WHERE organisation_id = $1 ORDER BY service_id, number`;
    expect(await targetSource.query(definitions, [tenant.organisationId])).toEqual(
      await source.query(definitions, [tenant.organisationId]),
    );
    const drafts = `SELECT slug, draft_definition::text AS d, webhook_secret FROM service WHERE organisation_id = $1 ORDER BY slug`;
    const draftsAfter = (await targetSource.query(drafts, [tenant.organisationId])) as Array<Record<string, unknown>>;
    expect(draftsAfter.map(({ webhook_secret: _s, ...rest }) => rest)).toEqual(
      ((await source.query(drafts, [tenant.organisationId])) as Array<Record<string, unknown>>).map(
        ({ webhook_secret: _s, ...rest }) => rest,
      ),
    );

    // Files: the same bytes, under new keys in the new storage.
    const attachments = (await targetSource.query(
      `SELECT id, storage_key, sha256 FROM attachment WHERE organisation_id = $1`,
      [tenant.organisationId],
    )) as Array<{ id: string; storage_key: string; sha256: string }>;
    expect(attachments).toHaveLength(uploaded.size);
    for (const a of attachments) expect(readFileSync(join(targetFiles, a.storage_key))).toEqual(uploaded.get(a.id));
    const letters = `SELECT id, md5(content) AS m FROM submission_document WHERE organisation_id = $1 ORDER BY id`;
    expect(await targetSource.query(letters, [tenant.organisationId])).toEqual(
      await source.query(letters, [tenant.organisationId]),
    );
    // Agents are memberships without credentials, and keep their names.
    const agents = (await targetSource.query(
      `SELECT m.email, m.role, m.group_key FROM agent_membership m WHERE organisation_id = $1 ORDER BY email`,
      [tenant.organisationId],
    )) as unknown[];
    expect(agents).toEqual([
      { email: 'karim@commune.fr', role: 'caseworker', group_key: 'nord' },
      { email: 'lea@commune.fr', role: 'admin', group_key: null },
    ]);
    expect((await targetSource.query(`SELECT count(*)::int AS n FROM api_token`))[0].n).toBe(0);
    const [lea] = await targetSource.query(`SELECT display_name FROM account WHERE email = 'lea@commune.fr'`);
    expect(lea.display_name).toBe('Léa Fontaine');

    // The deadline is queued again in the new installation's outbox.
    expect(await targetSource.query(`SELECT topic, payload, run_at IS NOT NULL AS due FROM outbox`)).toEqual([
      {
        topic: 'deadline.fire',
        payload: { submissionId: deadline.id, eventId: deadline.status_event_id, transition: 'accept' },
        due: true,
      },
    ]);

    // The same archive again: the organisation exists, nothing more is written.
    const files = storageFiles(targetFiles).length;
    const error = await importOrganisation(targetSource, new LocalDiskStorage(targetFiles), archive).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ORGANISATION_EXISTS', message: expect.stringMatching(/existe déjà/) });
    expect(storageFiles(targetFiles)).toHaveLength(files);
  });
});
