import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { attachmentStorageSettings } from '@guichet/config';
import { ApiTokenService } from '@guichet/identity';
import { DeskExports } from '@guichet/desk';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const NAMES = ['Lefèvre', 'Dubois', 'Nguyễn', 'Benali', 'Le Gall', 'Ferreira', 'Østergård', '=HYPERLINK("http://x")'];

/** Binary bodies as Buffers (supertest only buffers text by default). */
function binary(res: NodeJS.ReadableStream, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** Info-ZIP's unzip, not our reader: it tests every CRC and prints one member. */
function unzip(archive: Buffer, member?: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'guichet-xlsx-')), 'export.xlsx');
  writeFileSync(file, archive);
  if (!member) return execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
  return execFileSync('unzip', ['-p', file, member], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The cells of a sheet's XML, by row, by column letter, as text (inline strings) or numbers. */
function sheetRows(xml: string): Array<Record<string, string | number>> {
  return [...xml.matchAll(/<row r="\d+">(.*?)<\/row>/g)].map(([, cells]) =>
    Object.fromEntries(
      [...cells!.matchAll(/<c r="([A-Z]+)\d+"[^>]*>(?:<is><t[^>]*>(.*?)<\/t><\/is>|<v>(.*?)<\/v>)<\/c>/g)].map(
        ([, column, text, value]) => [column!, text !== undefined ? text : Number(value)],
      ),
    ),
  );
}

/** Large exports: XLSX streamed, the worker's path past EXPORT_SYNC_MAX_ROWS, downloads for the asker only. */
describe('caseworker exports', () => {
  let stack: Stack;
  let designer: Tenant;
  let caseworker: string;
  let colleague: string;

  const get = (path: string, auth = caseworker) => request(stack.url).get(path).set('Authorization', auth);
  const getBinary = (path: string, auth = caseworker) =>
    get(path, auth)
      .buffer(true)
      .parse(binary as never) as unknown as Promise<request.Response & { body: Buffer }>;

  async function ready(
    statusUrl: string,
  ): Promise<{ status: string; downloadUrl: string; rows: number; bytes: number }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = await get(statusUrl);
      expect(status.status).toBe(200);
      if (status.body.status === 'ready' || status.body.status === 'failed' || Date.now() > deadline)
        return status.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    stack = await startStack({ backend: 'redis', env: { EXPORT_SYNC_MAX_ROWS: '5', RETRY_DELAY_SCALE: '0.001' } });
    designer = await createTenant(stack);
    const tokens = new ApiTokenService(stack.api.get(DataSource));
    const issue = async (name: string) =>
      `Bearer ${(await tokens.issue({ organisationId: designer.organisationId, name, role: 'caseworker' })).token}`;
    caseworker = await issue('instruction');
    colleague = await issue('collègue');
    const definition = canteenDefinition();
    const properties = definition.schema.properties as Record<string, unknown>;
    properties.quotient = { type: 'integer', title: 'Quotient familial' };
    properties.arrival = { type: 'string', format: 'date', title: 'Date d’arrivée' };
    definition.pages[0]!.fields.push('quotient', 'arrival');
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({ slug: 'cantine-export', title: 'Cantine', organisationId: designer.organisationId, definition })
      .then((r) => expect([r.status, r.body.errors]).toEqual([201, undefined]));
    await request(stack.url)
      .post('/api/v1/services/cantine-export/publish')
      .set('Authorization', designer.auth)
      .expect(201);
    for (let i = 0; i < NAMES.length; i++) {
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
      data.parent = { ...(data.parent as object), lastName: NAMES[i], postalCode: i % 3 === 0 ? '45100' : '45000' };
      data.quotient = 700 + i * 50;
      data.arrival = `2026-09-0${1 + (i % 3)}`;
      const draft = await call('/api/v1/public/services/cantine-export/submissions', { data });
      await call(`/api/v1/submissions/${draft.id}/submit`, {});
    }
  });
  afterAll(() => stack?.close());

  it('streams an XLSX a spreadsheet opens (checked with unzip), with the same rows as the CSV', async () => {
    const filter = 'field=/parent/postalCode=45000&sort=oldest&columns=/parent/lastName,/quotient,/arrival';
    const response = await getBinary(`/api/v1/services/cantine-export/export?format=xlsx&${filter}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX);
    expect(response.headers['content-disposition']).toBe('attachment; filename="cantine-export-demandes.xlsx"');
    expect(unzip(response.body)).toContain('No errors detected');
    const names = unzip(response.body, 'xl/workbook.xml');
    expect(names).toContain('<sheet name="Demandes"');
    const sheet = unzip(response.body, 'xl/worksheets/sheet1.xml');
    expect(sheet).not.toContain('<f>');
    expect(sheet).not.toContain('<f ');
    const rows = sheetRows(sheet);
    expect(Object.values(rows[0]!)).toEqual([
      'Référence',
      'Statut',
      'Déposée le',
      'Décidée le',
      'Groupe',
      'Agent',
      'Nom',
      'Courriel',
      'Nom',
      'Quotient familial',
      'Date d’arrivée',
    ]);
    expect(rows).toHaveLength(6);
    // Accents in UTF-8, typed numbers and days, the formula neutralised as the CSV does.
    const data = rows.slice(1);
    expect(data.map((r) => r.I)).toEqual(['Dubois', 'Nguyễn', 'Le Gall', 'Ferreira', `'=HYPERLINK("http://x")`]);
    expect(sheet).toContain(`<t>'=HYPERLINK("http://x")</t>`);
    expect(data.map((r) => r.J)).toEqual([750, 800, 900, 950, 1050]);
    expect(data.map((r) => r.K)).toEqual([46267, 46268, 46267, 46268, 46267]);
    expect(data.every((r) => typeof r.C === 'number' && r.C > 46000)).toBe(true);
    expect(sheet).toMatch(/<c r="C2" s="2"><v>4\d{4}\.\d+<\/v><\/c>/);
    expect(sheet).not.toMatch(/<c r="D[2-9]"/); // not decided: empty cells

    const csv = await get(`/api/v1/services/cantine-export/export?format=csv&${filter}`);
    expect(csv.status).toBe(200);
    const csvRows = csv.text.slice(1).trimEnd().split('\r\n');
    expect(csvRows).toHaveLength(6);
    expect(csvRows.slice(1).map((l) => l.split(',')[0])).toEqual(data.map((r) => r.A));
    expect(csvRows[0]).toBe(
      'Référence,Statut,Déposée le (heure de Paris),Décidée le (heure de Paris),Groupe,Agent,Nom,Courriel,Nom,Quotient familial,Date d’arrivée',
    );
  });

  it('exports a filter that matches nothing as a valid file of each format, streamed or by the worker', async () => {
    const none = 'field=/parent/postalCode=99999&columns=/parent/lastName,/quotient';
    const titles = [
      'Référence',
      'Statut',
      'Déposée le (heure de Paris)',
      'Décidée le (heure de Paris)',
      'Groupe',
      'Agent',
      'Nom',
      'Courriel',
      'Nom',
      'Quotient familial',
    ];
    // CSV: the BOM and the title row alone, with either separator.
    for (const [sep, separator] of [
      ['', ','],
      ['&sep=semicolon', ';'],
    ] as const) {
      const csv = await get(`/api/v1/services/cantine-export/export?format=csv${sep}&${none}`);
      expect([csv.status, csv.headers['content-type']]).toEqual([200, 'text/csv; charset=utf-8']);
      expect(csv.text).toBe(`\uFEFF${titles.join(separator)}\r\n`);
    }
    // JSON Lines: no line at all (zero requests), still the right type and name.
    const jsonl = await getBinary(`/api/v1/services/cantine-export/export?format=jsonl&${none}`);
    expect([jsonl.status, jsonl.headers['content-type'], jsonl.body.length]).toEqual([
      200,
      'application/x-ndjson; charset=utf-8',
      0,
    ]);
    // XLSX: a workbook that unzip tests whole, one sheet with the title row alone.
    const checkWorkbook = (body: Buffer) => {
      expect(unzip(body)).toContain('No errors detected');
      expect(unzip(body, 'xl/workbook.xml')).toContain('<sheet name="Demandes"');
      const sheet = unzip(body, 'xl/worksheets/sheet1.xml');
      expect(sheet.trimEnd().endsWith('</sheetData></worksheet>')).toBe(true);
      const rows = sheetRows(sheet);
      expect(rows).toHaveLength(1);
      expect(Object.values(rows[0]!)).toEqual(titles.map((t) => t.replace(' (heure de Paris)', '')));
    };
    const xlsx = await getBinary(`/api/v1/services/cantine-export/export?format=xlsx&${none}`);
    expect([xlsx.status, xlsx.headers['content-type']]).toEqual([200, XLSX]);
    checkWorkbook(xlsx.body);
    // The same through the worker: ready with 0 rows, and the same files.
    for (const format of ['xlsx', 'jsonl'] as const) {
      const asked = await get(`/api/v1/services/cantine-export/export?format=${format}&async=1&${none}`);
      expect(asked.status).toBe(202);
      const done = await ready(asked.body.statusUrl);
      expect([format, done.status, done.rows]).toEqual([format, 'ready', 0]);
      const file = await getBinary(done.downloadUrl);
      expect(file.status).toBe(200);
      if (format === 'xlsx') checkWorkbook(file.body);
      else expect(file.body.length).toBe(0);
    }
  });

  it('makes an export past EXPORT_SYNC_MAX_ROWS with the worker: 202, status, download for the asker only', async () => {
    const asked = await get('/api/v1/services/cantine-export/export?format=csv&sort=oldest');
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ exportId: expect.any(String), status: 'pending', format: 'csv' });
    expect(asked.body.statusUrl).toBe(`/api/v1/services/cantine-export/exports/${asked.body.exportId}`);
    expect(asked.headers.location).toBe(asked.body.statusUrl);
    const done = await ready(asked.body.statusUrl);
    expect(done).toMatchObject({ status: 'ready', rows: 8, downloadUrl: `${asked.body.statusUrl}/download` });
    const file = await get(done.downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-disposition']).toBe('attachment; filename="cantine-export-demandes.csv"');
    expect(Number(file.headers['content-length'])).toBe(done.bytes);
    const lines = file.text.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(9);
    // The same rows as the synchronous CSV of each half of the filter (each under the threshold).
    const halves = await Promise.all(
      ['45000', '45100'].map((code) =>
        get(`/api/v1/services/cantine-export/export?format=csv&sort=oldest&field=/parent/postalCode=${code}`),
      ),
    );
    expect(halves.map((h) => h.status)).toEqual([200, 200]);
    const syncLines = halves.flatMap((h) => h.text.slice(1).trimEnd().split('\r\n'));
    expect(lines[0]).toBe(syncLines[0]);
    expect(lines.slice(1).sort()).toEqual(syncLines.filter((l) => l !== lines[0]).sort());
    expect(file.text).toContain(`"'=HYPERLINK(""http://x"")"`);

    // Another agent of the same organisation, a stranger, a designer: 404 everywhere.
    const stranger = await createTenant(stack, 'caseworker');
    for (const auth of [colleague, stranger.auth, designer.auth]) {
      expect((await get(asked.body.statusUrl, auth)).status).toBe(404);
      expect((await get(done.downloadUrl, auth)).status).toBe(404);
    }
    expect((await request(stack.url).get(done.downloadUrl)).status).toBe(401);
    expect((await get('/api/v1/services/cantine-export/exports/pas-un-id')).status).toBe(404);

    // The job is idempotent: running it again does nothing.
    await expect(stack.worker!.get(DeskExports).run(asked.body.exportId)).resolves.toBe('nothing to do');
  });

  it('makes an XLSX with the worker on request (async=1), the same sheet as the streamed one', async () => {
    const filter = 'format=xlsx&field=/parent/postalCode=45100&sort=oldest';
    const streamed = await getBinary(`/api/v1/services/cantine-export/export?${filter}`);
    expect(streamed.status).toBe(200);
    const asked = await get(`/api/v1/services/cantine-export/export?${filter}&async=1`);
    expect(asked.status).toBe(202);
    const done = await ready(asked.body.statusUrl);
    expect(done).toMatchObject({ status: 'ready', rows: 3 });
    const file = await getBinary(done.downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe(XLSX);
    expect(file.headers['content-disposition']).toBe('attachment; filename="cantine-export-demandes.xlsx"');
    expect(unzip(file.body)).toContain('No errors detected');
    const sheet = unzip(file.body, 'xl/worksheets/sheet1.xml');
    expect(sheet).toBe(unzip(streamed.body, 'xl/worksheets/sheet1.xml'));
    expect(sheetRows(sheet)).toHaveLength(4);
    for (const name of ['Lefèvre', 'Benali', 'Østergård']) expect(sheet).toContain(name);
  });

  it('forgets exports after their time: 404, then the housekeeping removes file and row', async () => {
    const asked = await get('/api/v1/services/cantine-export/export?format=jsonl&async=1');
    expect(asked.status).toBe(202);
    const done = await ready(asked.body.statusUrl);
    expect(done.status).toBe('ready');
    const { directory } = attachmentStorageSettings(stack.config) as { directory: string };
    const folder = join(directory, designer.organisationId, asked.body.exportId);
    expect(readdirSync(folder)).toHaveLength(1);
    const dataSource = stack.api.get(DataSource);
    await dataSource.query(`UPDATE desk_export SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      asked.body.exportId,
    ]);
    expect((await get(asked.body.statusUrl)).status).toBe(404);
    expect((await get(done.downloadUrl)).status).toBe(404);
    expect(await stack.worker!.get(DeskExports).cleanExpired()).toBeGreaterThanOrEqual(1);
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    expect(await dataSource.query(`SELECT id FROM desk_export WHERE id = $1`, [asked.body.exportId])).toEqual([]);
  });

  it('refuses what it cannot do with a pointer to the parameter', async () => {
    for (const [query, pointer] of [
      ['format=ods', '/format'],
      ['format=xlsx&async=peut-etre', '/async'],
      ['format=xlsx&sep=tab', '/sep'],
      ['format=xlsx&columns=/inconnu', '/columns'],
      ['format=xlsx&limit=10', '/limit'],
      ['format=csv&async=1&status=Pas Bon', '/status'],
    ]) {
      const response = await get(`/api/v1/services/cantine-export/export?${query}`);
      expect([query, response.status, response.body.code]).toEqual([query, 400, 'INVALID_REQUEST']);
      expect(response.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    expect((await get('/api/v1/services/cantine-export/export?format=xlsx', colleague)).status).not.toBe(404);
    const stranger = await createTenant(stack, 'caseworker');
    expect((await get('/api/v1/services/cantine-export/export?format=xlsx&async=1', stranger.auth)).status).toBe(404);
  });
});
