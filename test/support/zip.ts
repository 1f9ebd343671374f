import { crc32 } from 'node:zlib';
import { fromBufferPromise, type Entry } from 'yauzl';

export interface ZipEntryRead {
  name: string;
  data: Buffer;
}

/**
 * Every entry of an archive held in memory, read through its central
 * directory as spreadsheet software reads it (yauzl checks the local headers
 * and the sizes; the CRC-32 is checked here, yauzl leaves it to its callers).
 */
export async function readZip(archive: Buffer): Promise<ZipEntryRead[]> {
  const zip = await fromBufferPromise(archive, { lazyEntries: true, strictFileNames: true });
  const entries: ZipEntryRead[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        void read(entry)
          .then((data) => {
            if (crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new Error(`CRC-32 of ${entry.fileName} does not match`);
            entries.push({ name: entry.fileName, data });
            zip.readEntry();
          }, reject)
          .catch(reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return entries;

  async function read(entry: Entry): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
