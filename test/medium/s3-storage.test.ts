import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import S3rver from 's3rver';
import { DataSource } from 'typeorm';
import { createDataSource } from '@guichet/persistence';
import { Attachments, S3Storage } from '@guichet/submissions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort } from '../support/processes';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * Attachments in an S3-compatible bucket, against s3rver (an S3 server over
 * real HTTP, with the AWS SDK's signatures): written, read back, deleted, and
 * nothing written for a refused file.
 */
describe('S3 attachment storage', () => {
  let server: S3rver;
  let directory: string;
  let endpoint: string;
  let db: TestDatabase;
  let ds: DataSource;
  let storage: S3Storage;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'guichet-s3-'));
    const port = await freePort();
    server = new S3rver({
      port,
      address: '127.0.0.1',
      silent: true,
      directory,
      configureBuckets: [{ name: 'guichet-pj', configs: [] }],
    });
    await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    storage = new S3Storage({
      endpoint,
      region: 'fr-par',
      bucket: 'guichet-pj',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      prefix: 'pieces/',
    });
    db = await createTestDatabase();
    ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    storage?.close();
    await ds?.destroy();
    await db?.drop();
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const read = (stream: NodeJS.ReadableStream) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });

  it('puts, gets and deletes objects by key, and refuses keys that are not ours', async () => {
    const key = `${randomUUID()}/${randomUUID()}/${randomUUID()}`;
    const bytes = Buffer.from('%PDF-1.4\n% Guichet\n%%EOF\n');
    await storage.put(key, bytes);
    expect((await read(storage.get(key))).equals(bytes)).toBe(true);
    await storage.delete(key);
    await expect(read(storage.get(key))).rejects.toThrow();
    await expect(storage.put('../../etc/passwd', bytes)).rejects.toThrow(/invalid storage key/);
  });

  it('keeps a citizen’s upload in the bucket, serves it to them, and deletes it with the request', async () => {
    const submission = await seedRequest(ds, await seedCanteenService(ds, 's3'), { anonymousOwner: 'b'.repeat(64) });
    const attachments = new Attachments(ds, storage);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n%%EOF\n');
    const stored = await attachments.store(submission, '/certificate', {
      filename: 'certificat.pdf',
      bytes: pdf,
      truncated: false,
    });
    const opened = await attachments.open(submission, stored.attachmentId);
    expect((await read(opened.stream)).equals(pdf)).toBe(true);
    await expect(
      attachments.store(submission, '/certificate', {
        filename: 'virus.pdf',
        bytes: Buffer.from('MZ\x90\x00'),
        truncated: false,
      }),
    ).rejects.toMatchObject({ code: 'FILE_TYPE_NOT_ACCEPTED' });
    await attachments.deleteAllOf(submission.id);
    const objects = await fetch(`${endpoint}/guichet-pj?list-type=2`).then((r) => r.text());
    expect(objects).not.toContain(stored.attachmentId);
  });
});
