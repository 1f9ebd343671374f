import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { attachmentStorageSettings } from '@guichet/config';
import { OrganisationArchives, type Manifest } from '@guichet/desk';
import { ApiTokenService } from '@guichet/identity';
import type { OrganisationArchiveView } from '@guichet/shared';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService, type Tenant } from '../support/tenant';
import { readZip } from '../support/zip';

/** Binary bodies as Buffers (supertest only buffers text by default). */
function binary(res: NodeJS.ReadableStream, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/**
 * An organisation's archive from the studio: asked by an admin, made by the
 * worker into the storage in parts, downloaded, the same ZIP as `npm run admin
 * -- export-organisation`; the organisation's admins only, 24 hours.
 */
describe('organisation archive: prepared by a worker, downloaded from the studio', () => {
  let stack: Stack;
  let admin: Tenant;
  let caseworker: string;
  let otherAdmin: Tenant;
  const base = () => `/api/v1/organisations/${admin.organisationId}/archives`;

  const get = (path: string, auth: string) => request(stack.url).get(path).set('Authorization', auth);
  const post = (path: string, auth: string) => request(stack.url).post(path).set('Authorization', auth).send({});

  async function ready(statusUrl: string, auth = admin.auth): Promise<OrganisationArchiveView> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = await get(statusUrl, auth);
      expect(status.status).toBe(200);
      const view = status.body as OrganisationArchiveView;
      if (view.status === 'ready' || view.status === 'failed' || Date.now() > deadline) return view;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function file(slug: string): Promise<void> {
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
    const draft = await call(`/api/v1/public/services/${slug}/submissions`, { data: validCanteenData() });
    await call(`/api/v1/submissions/${draft.id}/submit`, {});
  }

  beforeAll(async () => {
    stack = await startStack({ backend: 'redis' });
    admin = await createTenant(stack, 'admin');
    otherAdmin = await createTenant(stack, 'admin');
    const tokens = new ApiTokenService(stack.api.get(DataSource));
    caseworker = `Bearer ${(await tokens.issue({ organisationId: admin.organisationId, name: 'instruction', role: 'caseworker' })).token}`;
    const slug = `cantine-${admin.slug}`;
    await publishService(stack.url, admin, { slug, title: 'Cantine', definition: canteenDefinition() });
    for (let i = 0; i < 3; i++) await file(slug);
  });
  afterAll(() => stack?.close());

  it('is asked by an admin (202), made by the worker, and downloaded as a ZIP whose manifest counts the organisation', async () => {
    const asked = await post(base(), admin.auth);
    expect(asked.status).toBe(202);
    const view = asked.body as OrganisationArchiveView;
    expect(view).toMatchObject({ organisationId: admin.organisationId, bytes: null, finishedAt: null });
    expect(['queued', 'running']).toContain(view.status);
    expect(asked.headers.location).toBe(view.statusUrl);
    expect(view.statusUrl).toBe(`${base()}/${view.archiveId}`);

    const done = await ready(view.statusUrl);
    expect(done.status).toBe('ready');
    expect(done.downloadUrl).toBe(`${view.statusUrl}/file`);
    expect(done.bytes).toBeGreaterThan(0);
    expect(Date.parse(done.expiresAt) - Date.parse(done.finishedAt!)).toBeGreaterThan(23 * 3600_000);

    const download = (await get(done.downloadUrl!, admin.auth)
      .buffer(true)
      .parse(binary as never)) as unknown as request.Response & { body: Buffer };
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="${admin.slug}-archive-${done.finishedAt!.slice(0, 10)}.zip"`,
    );
    expect(download.body.length).toBe(done.bytes);
    const entries = new Map((await readZip(download.body)).map((e) => [e.name, e.data]));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Manifest;
    const source = stack.api.get(DataSource);
    const [counted] = (await source.query(
      `SELECT (SELECT count(*)::int FROM service WHERE organisation_id = $1) AS services,
              (SELECT count(*)::int FROM submission WHERE organisation_id = $1 AND status <> 'draft') AS requests`,
      [admin.organisationId],
    )) as [{ services: number; requests: number }];
    expect(counted).toEqual({ services: 1, requests: 3 });
    expect(manifest.organisation.id).toBe(admin.organisationId);
    expect(manifest.counts).toMatchObject(counted);
    // Every file the manifest lists is in the ZIP, with its checksum.
    for (const f of manifest.files) {
      expect(entries.has(f.path)).toBe(true);
      expect(createHash('sha256').update(entries.get(f.path)!).digest('hex')).toBe(f.sha256);
    }
    // Another admin of the same organisation reads it too; a caseworker of it may not; another organisation never sees it.
    const sameOrgAdmin = `Bearer ${(await new ApiTokenService(source).issue({ organisationId: admin.organisationId, name: 'adjoint', role: 'admin' })).token}`;
    expect((await get(view.statusUrl, sameOrgAdmin)).status).toBe(200);
    for (const path of [view.statusUrl, done.downloadUrl!]) {
      expect((await get(path, caseworker)).status).toBe(403);
      expect((await get(path, otherAdmin.auth)).status).toBe(404);
    }
    // Through the other organisation's own address, the archive does not exist either.
    const elsewhere = `/api/v1/organisations/${otherAdmin.organisationId}/archives/${view.archiveId}`;
    expect((await get(elsewhere, otherAdmin.auth)).status).toBe(404);
    expect((await get(`${elsewhere}/file`, otherAdmin.auth)).status).toBe(404);
  });

  it('answers the archive in preparation to a second request rather than making another', async () => {
    const tenant = await createTenant(stack, 'admin');
    const path = `/api/v1/organisations/${tenant.organisationId}/archives`;
    // Two clicks at once: one archive.
    const [first, second] = await Promise.all([post(path, tenant.auth), post(path, tenant.auth)]);
    expect([first.status, second.status]).toEqual([202, 202]);
    if (second.body.archiveId !== first.body.archiveId) {
      // On a busy machine one click may be answered after the worker finished the other's archive (an empty
      // organisation takes milliseconds): a new archive is then right. Never two in preparation at once.
      const [order] = (await stack.api.get(DataSource).query(
        `SELECT bool_and(a.finished_at IS NOT NULL AND a.finished_at <= b.created_at) AS sequential
           FROM organisation_archive a JOIN organisation_archive b ON a.created_at < b.created_at
          WHERE a.id = ANY($1::uuid[]) AND b.id = ANY($1::uuid[])`,
        [[first.body.archiveId, second.body.archiveId]],
      )) as Array<{ sequential: boolean | null }>;
      expect(order).toEqual({ sequential: true });
    }
    expect((await ready(first.body.statusUrl, tenant.auth)).status).toBe('ready');
    // Ready: a new request makes a new archive.
    const again = await post(path, tenant.auth);
    expect(again.status).toBe(202);
    expect(again.body.archiveId).not.toBe(first.body.archiveId);
    // One the worker is on (made running here, the worker never sees it): answered again, not doubled.
    const running = randomUUID();
    const other = await createTenant(stack, 'admin');
    await stack.api.get(DataSource).query(
      `INSERT INTO organisation_archive (id, organisation_id, requested_by, status, attempt, expires_at)
         VALUES ($1, $2, 'token:x', 'running', 1, now() + interval '1 day')`,
      [running, other.organisationId],
    );
    const asked = await post(`/api/v1/organisations/${other.organisationId}/archives`, other.auth);
    expect([asked.status, asked.body.archiveId, asked.body.status]).toEqual([202, running, 'running']);
    expect(asked.body.downloadUrl).toBeUndefined();
  });

  it('refuses callers who are not the organisation’s admins', async () => {
    expect((await post(base(), caseworker)).status).toBe(403);
    expect((await post(base(), otherAdmin.auth)).status).toBe(404);
    const readOnly = `Bearer ${(await new ApiTokenService(stack.api.get(DataSource)).issue({ organisationId: admin.organisationId, name: 'lecture', role: 'admin', readOnly: true })).token}`;
    expect((await post(base(), readOnly)).status).toBe(403);
  });

  it('answers hostile addresses with 400 and a pointer, or 404', async () => {
    for (const id of ['pas-un-uuid', "1' OR '1'='1", '%00']) {
      for (const path of [`${base()}/${id}`, `${base()}/${id}/file`]) {
        const res = await get(path, admin.auth);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('INVALID_REQUEST');
        expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/archiveId' })]);
      }
    }
    const unknown = randomUUID();
    expect((await get(`${base()}/${unknown}`, admin.auth)).status).toBe(404);
    expect((await get(`${base()}/${unknown}/file`, admin.auth)).status).toBe(404);
    // An organisation id that is not one: it does not exist (404), whoever asks.
    expect((await post('/api/v1/organisations/pas-un-uuid/archives', admin.auth)).status).toBe(404);
  });

  it('fails for good, with a French message, when the organisation is gone; a finished archive is left alone', async () => {
    const source = stack.api.get(DataSource);
    const archives = stack.worker!.get(OrganisationArchives);
    const id = randomUUID();
    await source.query(
      `INSERT INTO organisation_archive (id, organisation_id, requested_by, status, expires_at)
       VALUES ($1, $2, 'token:x', 'queued', now() + interval '1 day')`,
      [id, randomUUID()],
    );
    expect(await archives.run(id)).toBe('failed');
    const [row] = await source.query(`SELECT status, error, attempt, parts FROM organisation_archive WHERE id = $1`, [
      id,
    ]);
    expect(row).toEqual({
      status: 'failed',
      error: expect.stringMatching(/^L’archive n’a pas pu être préparée/),
      attempt: 1,
      parts: 0,
    });
    // Run again (a job delivered twice): nothing to do.
    expect(await archives.run(id)).toBe('nothing to do');
  });

  it('is not downloadable before it is ready, and goes with its file after 24 hours', async () => {
    const asked = await post(base(), admin.auth);
    const view = asked.body as OrganisationArchiveView;
    const early = await get(`${view.statusUrl}/file`, admin.auth);
    if (early.status !== 200) expect(early.status).toBe(404);
    const done = await ready(view.statusUrl);
    expect(done.status).toBe('ready');
    const { directory } = attachmentStorageSettings(stack.config) as { directory: string };
    const folder = join(directory, admin.organisationId, view.archiveId);
    expect(readdirSync(folder)).toHaveLength(1);
    const source = stack.api.get(DataSource);
    await source.query(`UPDATE organisation_archive SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      view.archiveId,
    ]);
    expect((await get(view.statusUrl, admin.auth)).status).toBe(404);
    expect((await get(done.downloadUrl!, admin.auth)).status).toBe(404);
    expect(await stack.worker!.get(OrganisationArchives).cleanExpired()).toBeGreaterThanOrEqual(1);
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    expect(await source.query(`SELECT id FROM organisation_archive WHERE id = $1`, [view.archiveId])).toEqual([]);
  });
});
