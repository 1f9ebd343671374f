import { constants, crc32 as zlibCrc32, createDeflateRaw, inflateRawSync, type DeflateRaw } from 'node:zlib';

/** CRC-32 (ISO-HDLC, the one ZIP uses) of `data`, continuing from `previous`. */
export function crc32(data: Buffer | string, previous = 0): number {
  return zlibCrc32(data, previous) >>> 0;
}

/** One file of the archive, as its central directory entry needs it. */
interface Entry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  time: number;
  date: number;
}

const MAX32 = 0xffffffff;
/** Bit 3: sizes and CRC follow the data (data descriptor); bit 11: the name is UTF-8. */
const FLAGS = 0x0008 | 0x0800;
const DEFLATE = 8;

/** MS-DOS time and date of a moment (what ZIP headers hold), in UTC. */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(at.getUTCFullYear(), 1980);
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/**
 * A ZIP archive written as a stream: each entry is deflated as it is written
 * (node:zlib), its CRC-32 and sizes come after its data in a data descriptor
 * (general purpose bit 3), and the central directory closes the archive. So
 * nothing is held but the current compressed chunk: memory stays flat
 * whatever the size of an entry. `out` receives the bytes in order and is
 * awaited, so a slow consumer slows the writer down.
 *
 * No ZIP64: an entry stays under 4 GiB (the XLSX writer starts a new sheet
 * before), and an archive whose offsets would pass 4 GiB is refused.
 */
export class ZipWriter {
  private offset = 0;
  private readonly entries: Entry[] = [];
  private current?: {
    entry: Entry;
    deflate: DeflateRaw;
    output: Buffer[];
    failed?: Error;
  };
  private closed = false;

  constructor(
    private readonly out: (chunk: Buffer) => Promise<void>,
    private readonly options: { level?: number; now?: Date } = {},
  ) {}

  /** Bytes written so far. */
  get bytes(): number {
    return this.offset;
  }

  /** Uncompressed bytes of the entry being written. */
  get entryBytes(): number {
    return this.current?.entry.size ?? 0;
  }

  private async emit(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    this.offset += chunk.length;
    if (this.offset > MAX32) throw new Error('zip archive over 4 GiB (no ZIP64)');
    await this.out(chunk);
  }

  /** Starts a new entry (the previous one is finished first). */
  async begin(name: string): Promise<void> {
    if (this.closed) throw new Error('zip archive already finished');
    await this.end();
    const { time, date } = dosDateTime(this.options.now ?? new Date());
    const entry: Entry = {
      name: Buffer.from(name, 'utf8'),
      crc: 0,
      compressed: 0,
      size: 0,
      offset: this.offset,
      time,
      date,
    };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    // CRC-32 and sizes (14..25) stay 0: they are in the data descriptor.
    header.writeUInt16LE(entry.name.length, 26);
    header.writeUInt16LE(0, 28);
    const deflate = createDeflateRaw({ level: this.options.level ?? constants.Z_DEFAULT_COMPRESSION });
    const state: NonNullable<ZipWriter['current']> = { entry, deflate, output: [] };
    // Flowing mode: every compressed chunk is collected as soon as zlib makes it, so zlib never waits for a reader.
    deflate.on('data', (chunk: Buffer) => state.output.push(chunk));
    deflate.on('error', (error: Error) => (state.failed = error));
    this.current = state;
    this.entries.push(entry);
    await this.emit(Buffer.concat([header, entry.name]));
  }

  /** Adds bytes (text is UTF-8) to the current entry. Write in chunks of some kilobytes, not byte by byte. */
  async write(data: Buffer | string): Promise<void> {
    const state = this.current;
    if (!state) throw new Error('no zip entry started');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length === 0) return;
    state.entry.crc = crc32(bytes, state.entry.crc);
    state.entry.size += bytes.length;
    if (state.entry.size > MAX32) throw new Error('zip entry over 4 GiB (no ZIP64)');
    await new Promise<void>((resolve, reject) =>
      state.deflate.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
    await this.drain(state);
  }

  private async drain(state: NonNullable<ZipWriter['current']>): Promise<void> {
    if (state.failed) throw state.failed;
    while (state.output.length) {
      const chunk = state.output.shift()!;
      state.entry.compressed += chunk.length;
      await this.emit(chunk);
    }
  }

  /** Finishes the current entry: the rest of the compressed data, then its data descriptor. */
  async end(): Promise<void> {
    const state = this.current;
    if (!state) return;
    this.current = undefined;
    await new Promise<void>((resolve, reject) => {
      state.deflate.once('end', resolve);
      state.deflate.once('error', reject);
      state.deflate.end();
    });
    await this.drain(state);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(state.entry.crc, 4);
    descriptor.writeUInt32LE(state.entry.compressed, 8);
    descriptor.writeUInt32LE(state.entry.size, 12);
    await this.emit(descriptor);
  }

  /** Finishes the last entry and writes the central directory. */
  async finish(): Promise<void> {
    await this.end();
    if (this.closed) return;
    this.closed = true;
    const start = this.offset;
    const records: Buffer[] = [];
    for (const entry of this.entries) {
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
      record.writeUInt16LE(20, 6);
      record.writeUInt16LE(FLAGS, 8);
      record.writeUInt16LE(DEFLATE, 10);
      record.writeUInt16LE(entry.time, 12);
      record.writeUInt16LE(entry.date, 14);
      record.writeUInt32LE(entry.crc, 16);
      record.writeUInt32LE(entry.compressed, 20);
      record.writeUInt32LE(entry.size, 24);
      record.writeUInt16LE(entry.name.length, 28);
      // extra, comment, disk number, internal attributes: 0
      record.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
      record.writeUInt32LE(entry.offset, 42);
      records.push(record, entry.name);
    }
    const directory = Buffer.concat(records);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(start, 16);
    if (this.entries.length > 0xffff) throw new Error('too many zip entries (no ZIP64)');
    await this.emit(Buffer.concat([directory, end]));
  }

  /** Stops a failed archive: zlib's resources are released. */
  abort(): void {
    this.current?.deflate.destroy();
    this.current = undefined;
    this.closed = true;
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
