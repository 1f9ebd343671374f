import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { constants, crc32 as zlibCrc32, inflateRawSync } from 'node:zlib';
import { ZipFile } from 'yazl';

const DEFLATE = 8;

/** CRC-32 (ISO-HDLC, the one ZIP uses) of `data`, continuing from `previous`. */
export function crc32(data: Buffer | string, previous = 0): number {
  return zlibCrc32(data, previous) >>> 0;
}

/**
 * A ZIP archive written as a stream, through yazl (ZIP64 past 4 GiB, Info-ZIP
 * timestamps): each entry is deflated as it is written and nothing is held
 * but yazl's and the entry stream's buffers, so memory stays flat whatever
 * the size of an entry. `out` receives the bytes in order and is awaited: a
 * slow consumer fills those buffers, then `write` waits for them to drain.
 * Entries are written one after the other (`begin` ends the previous one).
 */
export class ZipWriter {
  private readonly zip = new ZipFile();
  private offset = 0;
  private current?: { stream: PassThrough; size: number };
  private closed = false;
  /** Settles when yazl's output has all been handed to `out`; rejects when `out` or yazl fails. */
  private readonly pumped: Promise<void>;

  constructor(
    out: (chunk: Buffer) => Promise<void>,
    private readonly options: { level?: number; now?: Date } = {},
  ) {
    this.pumped = (async () => {
      for await (const chunk of this.zip.outputStream as AsyncIterable<Buffer>) {
        this.offset += chunk.length;
        await out(chunk);
      }
    })();
    // Observed here; `write` and `finish` rethrow it.
    this.pumped.catch(() => undefined);
  }

  /** Bytes handed to `out` so far. */
  get bytes(): number {
    return this.offset;
  }

  /** Uncompressed bytes of the entry being written. */
  get entryBytes(): number {
    return this.current?.size ?? 0;
  }

  /** Starts a new entry (the previous one is finished first). */
  async begin(name: string): Promise<void> {
    if (this.closed) throw new Error('zip archive already finished');
    await this.end();
    const stream = new PassThrough({ highWaterMark: 256 * 1024 });
    const level = this.options.level ?? constants.Z_DEFAULT_COMPRESSION;
    const holder: { stream?: PassThrough } = { stream };
    // Lazy: yazl asks for the stream when it reaches the entry, and is given it once.
    this.zip.addReadStreamLazy(
      name,
      { mtime: this.options.now ?? new Date(), mode: 0o100644, compress: true, compressionLevel: level },
      (give) => {
        const taken = holder.stream!;
        holder.stream = undefined;
        give(null, taken);
      },
    );
    this.current = { stream, size: 0 };
  }

  /** Adds bytes (text is UTF-8) to the current entry. Write in chunks of some kilobytes, not byte by byte. */
  async write(data: Buffer | string): Promise<void> {
    const entry = this.current;
    if (!entry) throw new Error('no zip entry started');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length === 0) return;
    entry.size += bytes.length;
    if (!entry.stream.write(bytes)) await this.drained(entry.stream);
  }

  /** The stream drained, or the failure of `out` / yazl (whose output then stops reading, so it never would). */
  private async drained(stream: PassThrough): Promise<void> {
    await Promise.race([
      once(stream, 'drain'),
      this.pumped.then(() => {
        throw new Error('zip output ended before its entries');
      }),
    ]);
  }

  /** Finishes the current entry (yazl completes it once it has read it). */
  async end(): Promise<void> {
    const entry = this.current;
    if (!entry) return;
    this.current = undefined;
    entry.stream.end();
  }

  /** Finishes the last entry and the archive, once every byte has been handed to `out`. */
  async finish(): Promise<void> {
    await this.end();
    if (this.closed) return;
    this.closed = true;
    this.zip.end();
    await this.pumped;
  }

  /** Stops a failed archive: the entry stream and yazl's output are released. */
  abort(): void {
    this.current?.stream.destroy();
    this.current = undefined;
    this.closed = true;
    (this.zip.outputStream as PassThrough).destroy();
  }
}

export interface ZipEntryRead {
  name: string;
  data: Buffer;
}

/**
 * Reads an archive through its central directory (what spreadsheet software
 * does), checking each entry's local header, sizes and CRC-32. For tests and
 * checks: the whole archive is in memory.
 */
export function readZip(archive: Buffer): ZipEntryRead[] {
  const endAt = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('no end of central directory');
  const count = archive.readUInt16LE(endAt + 10);
  let at = archive.readUInt32LE(endAt + 16);
  const entries: ZipEntryRead[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory record ${i}`);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressed = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const offset = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (archive.readUInt32LE(offset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const localName = archive.toString('utf8', offset + 30, offset + 30 + archive.readUInt16LE(offset + 26));
    if (localName !== name) throw new Error(`local name ${localName} differs from ${name}`);
    const dataAt = offset + 30 + archive.readUInt16LE(offset + 26) + archive.readUInt16LE(offset + 28);
    const raw = archive.subarray(dataAt, dataAt + compressed);
    const data = method === DEFLATE ? inflateRawSync(raw) : Buffer.from(raw);
    if (data.length !== size) throw new Error(`size of ${name}: ${data.length}, expected ${size}`);
    if (crc32(data) !== crc) throw new Error(`CRC-32 of ${name} does not match`);
    entries.push({ name, data });
  }
  return entries;
}
