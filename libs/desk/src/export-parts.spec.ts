import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import type { AttachmentStorage } from '@guichet/submissions';
import { organisationId } from '@guichet/shared';
import { EXPORT_PART_BYTES, PartWriter, Superseded, deleteParts, readParts, storageKey } from './export-jobs';
import { ExportRepository } from './export-repository';

/** The storage in memory, and the UPDATE of the row's part count (answers how many rows it changed). */
function fakes(rowsChanged = () => 1) {
  const stored = new Map<string, Buffer>();
  const updates: unknown[][] = [];
  const storage: AttachmentStorage = {
    put: async (key, bytes) => void stored.set(key, Buffer.from(bytes)),
    get: (key) => Readable.from([stored.get(key)!]),
    delete: async (key) => void stored.delete(key),
  };
  const dataSource = {
    query: async (_sql: string, params: unknown[]) => {
      updates.push(params);
      return [[], rowsChanged()];
    },
  } as unknown as DataSource;
  return { stored, updates, storage, dataSource };
}

const row = {
  organisationId: organisationId('11111111-1111-4111-8111-111111111111'),
  id: '22222222-2222-4222-8222-222222222222',
};

describe('files made by a worker, in parts', () => {
  it('stores a file of 2.5 parts as 3 parts, counts each in the row, and reads it back whole', async () => {
    const { stored, updates, storage, dataSource } = fakes();
    const writer = new PartWriter(new ExportRepository(dataSource), storage, 'organisation_archive', row, 2);
    const chunk = Buffer.alloc(EXPORT_PART_BYTES / 4, 7);
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 10; i++) yield Buffer.from(chunk.fill(i));
      })(),
    );
    await pipeline(source, writer.writable());
    expect([writer.parts, writer.bytes]).toEqual([3, 10 * chunk.length]);
    expect([...stored.keys()]).toEqual([0, 1, 2].map((part) => storageKey(row, 2, part)));
    expect(Math.max(...[...stored.values()].map((b) => b.length))).toBeLessThan(EXPORT_PART_BYTES + chunk.length);
    expect(updates).toEqual([
      [row.id, 2, 1, row.organisationId],
      [row.id, 2, 2, row.organisationId],
      [row.id, 2, 3, row.organisationId],
    ]);
    const back: Buffer[] = [];
    for await (const piece of readParts(storage, { ...row, attempt: 2, parts: 3 })) back.push(piece as Buffer);
    const whole = Buffer.concat(back);
    expect(whole.length).toBe(10 * chunk.length);
    for (let i = 0; i < 10; i++) expect(whole[i * chunk.length]).toBe(i);
    await deleteParts(storage, row, 2, 3);
    expect(stored.size).toBe(0);
  });

  it('stops with Superseded once a newer run took the file over', async () => {
    const { storage, dataSource } = fakes(() => 0);
    const writer = new PartWriter(new ExportRepository(dataSource), storage, 'desk_export', row, 1);
    await writer.write('bonjour');
    await expect(writer.flush()).rejects.toBeInstanceOf(Superseded);
  });

  it('names parts like the storage’s other keys (uuids), one folder per file', () => {
    expect(storageKey(row, 2, 5)).toBe(`${row.organisationId}/${row.id}/00000002-0000-4000-8000-000000000005`);
  });
});
