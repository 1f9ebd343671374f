import { execFileSync } from 'node:child_process';
import { mkdtemp, open, readdir, rm, stat, truncate } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant } from '../support/tenant';

const TMPFS_BYTES = 1024 * 1024;

/** A PDF (as far as the type sniffing goes) of about `bytes` bytes. */
function pdf(bytes: number, fill = 0x20): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(bytes, fill), Buffer.from('\n%%EOF\n')]);
}

/** Every file under `dir`, with its size. */
async function filesUnder(dir: string): Promise<Array<{ path: string; size: number }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Promise.all(files.map(async (path) => ({ path, size: (await stat(path)).size })));
}

/**
 * Attachment storage on a full disk: the attachments folder is a 1 MB tmpfs
 * of its own (mounting one needs root, as CI runs; nothing is simulated), the
 * API runs on it as production does (ATTACHMENTS_STORAGE=disk). A file that
 * does not fit is refused with 507 STORAGE_FULL and a French message, leaves
 * no partial file and no row, the draft and its earlier file are intact, and
 * uploads work again as soon as space is freed.
 */
describe('attachments on a full disk', () => {
  let dataDir: string;
  let attachments: string;
  let mounted = false;
  let stack: Stack | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'guichet-disk-full-'));
    attachments = join(dataDir, 'attachments');
    execFileSync('mkdir', ['-p', attachments]);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES},mode=0700`, 'tmpfs', attachments], {
        stdio: 'pipe',
      });
      mounted = true;
    } catch (error) {
      throw new Error(
        `this test mounts a 1 MB tmpfs on the attachments folder and needs root (CI runs as root): ${String(
          (error as { stderr?: Buffer }).stderr ?? error,
        ).trim()}`,
      );
    }
    stack = await startStack({ backend: 'postgres', worker: false, env: { DATA_DIR: dataDir } });
  });

  afterAll(async () => {
    await stack?.close();
    if (mounted) execFileSync('umount', [attachments]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a file that does not fit with 507, keeps nothing of it, and works again once space is freed', async () => {
    const url = stack!.url;
    const designer = await createTenant(stack!);
    await request(url)
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({
        slug: 'cantine-disque',
        title: 'Cantine',
        organisationId: designer.organisationId,
        definition: canteenDefinition(),
      })
      .expect(201);
    await request(url).post('/api/v1/services/cantine-disque/publish').set('Authorization', designer.auth).expect(201);

    const client = new CookieClient();
    const call = async (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(url, 'csrf_token');
      const res = await client.request(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const upload = async (bytes: Buffer) => {
      const form = new FormData();
      form.append('pointer', '/certificate');
      form.append('file', new Blob([bytes]), 'certificat.pdf');
      const res = await client.request(`${url}/api/v1/submissions/${id}/attachments`, {
        method: 'POST',
        headers: { 'x-csrf-token': client.cookie(url, 'csrf_token')! },
        body: form,
      });
      return {
        status: res.status,
        language: res.headers.get('content-language'),
        body: (await res.json()) as Record<string, unknown>,
      };
    };

    const answers = { ...validCanteenData(), hasAllergy: 'oui', allergyDetails: 'arachide' };
    const draft = await call('POST', '/api/v1/public/services/cantine-disque/submissions', { data: answers });
    expect(draft.status).toBe(201);
    const id = String(draft.body.id);
    const first = await upload(pdf(200 * 1024, 0x31));
    expect(first.status).toBe(201);
    const firstId = String(first.body.attachmentId);

    // Fill the disk, then free 64 KB: the next file starts to be written and runs out of space half way.
    const filler = join(attachments, 'filler');
    const handle = await open(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024, 0x2e);
    try {
      for (;;) await handle.write(chunk);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ENOSPC');
    } finally {
      await handle.close();
    }
    await truncate(filler, (await stat(filler)).size - 64 * 1024);
    const before = await filesUnder(attachments);
    const freeBefore = statfsSync(attachments).bavail;

    const refused = await upload(pdf(300 * 1024));
    expect(refused.status).toBe(507);
    expect(refused.language).toBe('fr');
    expect(refused.body).toEqual({
      code: 'STORAGE_FULL',
      message:
        'L’espace de stockage des pièces jointes est plein : le fichier n’a pas été enregistré. Vos réponses sont conservées ; réessayez plus tard.',
    });

    // Nothing of the refused file: no partial file on disk (the space is back), no row.
    expect(await filesUnder(attachments)).toEqual(before);
    expect(statfsSync(attachments).bavail).toBe(freeBefore);
    const rows = (await stack!.api
      .get(DataSource)
      .query(`SELECT id FROM attachment WHERE submission_id = $1`, [id])) as Array<{ id: string }>;
    expect(rows.map((r) => r.id)).toEqual([firstId]);

    // The draft and the file already there are intact.
    const kept = await call('GET', `/api/v1/submissions/${id}`);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ status: 'draft', revision: 1, data: answers });
    const download = await client.request(`${url}/api/v1/submissions/${id}/attachments/${firstId}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf(200 * 1024, 0x31))).toBe(true);

    // Space freed: the same upload goes through, and the request is filed with it.
    await rm(filler);
    const again = await upload(pdf(300 * 1024));
    expect(again.status).toBe(201);
    const saved = await call('PATCH', `/api/v1/submissions/${id}`, {
      data: { ...answers, certificate: again.body.attachmentId },
      expectedRevision: 1,
    });
    expect(saved.status).toBe(200);
    const submitted = await call('POST', `/api/v1/submissions/${id}/submit`, {});
    expect(submitted.status).toBe(200);
    expect(String(submitted.body.reference)).toMatch(/^GCH-/);
  });
});
