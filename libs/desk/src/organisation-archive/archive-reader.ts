/**
 * Reading an organisation archive's ZIP: the directory held to the limits
 * before any data is read (names that stay inside, sizes, compression ratios,
 * no encrypted or duplicate file), then whole files, JSON, JSON Lines in
 * batches and SHA-256 digests, each refused in French with the archive's
 * error codes.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { open as openZip, type Entry, type ZipFile } from 'yauzl';
import { OrganisationArchiveError, safeEntryName, type ArchiveLimits } from './format';

export type Row = Record<string, unknown>;

export const refuse = (code: OrganisationArchiveError['code'], message: string) =>
  new OrganisationArchiveError(code, message);

/** yauzl's own refusals of an entry's name, in our words. */
function zipError(error: unknown): OrganisationArchiveError {
  const message = error instanceof Error ? error.message : String(error);
  if (/relative path|absolute path|invalid characters|backslash/i.test(message))
    return refuse('ARCHIVE_UNSAFE_NAME', `archive refusée : un nom de fichier sort de l’archive (${message}).`);
  return refuse('ARCHIVE_UNREADABLE', `archive illisible : ce n’est pas un fichier ZIP valide (${message}).`);
}

export class Archive {
  private constructor(
    private readonly zip: ZipFile,
    readonly entries: Map<string, Entry>,
  ) {}

  /** Opens the archive and reads its directory, holding every entry to the limits before reading any data. */
  static async open(path: string, limits: ArchiveLimits): Promise<Archive> {
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      openZip(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, file) =>
        error ? reject(zipError(error)) : resolve(file),
      ),
    );
    const entries = new Map<string, Entry>();
    let total = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('error', (error: unknown) =>
          reject(error instanceof OrganisationArchiveError ? error : zipError(error)),
        );
        zip.on('end', () => resolve());
        zip.on('entry', (entry: Entry) => {
          const name = entry.fileName;
          if (!safeEntryName(name.endsWith('/') ? name.slice(0, -1) : name))
            return reject(refuse('ARCHIVE_UNSAFE_NAME', `archive refusée : nom de fichier dangereux « ${name} ».`));
          if (name.endsWith('/')) return zip.readEntry();
          if (entries.has(name))
            return reject(refuse('ARCHIVE_INCONSISTENT', `archive refusée : « ${name} » y figure deux fois.`));
          if (entry.isEncrypted())
            return reject(refuse('ARCHIVE_FORMAT', `archive refusée : « ${name} » est chiffré.`));
          total += entry.uncompressedSize;
          const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
          if (
            entries.size >= limits.maxEntries ||
            total > limits.maxTotalBytes ||
            entry.uncompressedSize > limits.maxEntryBytes ||
            (entry.uncompressedSize > 1024 * 1024 && ratio > limits.maxRatio)
          )
            return reject(
              refuse(
                'ARCHIVE_TOO_LARGE',
                `archive refusée : « ${name} » dépasse les limites d’une importation (taille une fois décompressée, taux de compression ou nombre de fichiers).`,
              ),
            );
          entries.set(name, entry);
          zip.readEntry();
        });
        zip.readEntry();
      });
    } catch (error) {
      zip.close();
      throw error;
    }
    return new Archive(zip, entries);
  }

  close(): void {
    this.zip.close();
  }

  entry(path: string): Entry {
    const entry = this.entries.get(path);
    if (!entry) throw refuse('ARCHIVE_INCONSISTENT', `archive incomplète : « ${path} » manque.`);
    return entry;
  }

  async stream(path: string): Promise<Readable> {
    const entry = this.entry(path);
    return new Promise((resolve, reject) =>
      this.zip.openReadStream(entry, (error, stream) => (error ? reject(zipError(error)) : resolve(stream))),
    );
  }

  /** A whole file, refused past `max` bytes (the directory's size is checked again while reading). */
  async bytes(path: string, max: number): Promise<Buffer> {
    if (this.entry(path).uncompressedSize > max)
      throw refuse('ARCHIVE_TOO_LARGE', `archive refusée : « ${path} » est trop grand.`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of await this.stream(path)) {
      size += (chunk as Buffer).length;
      if (size > max) throw refuse('ARCHIVE_TOO_LARGE', `archive refusée : « ${path} » est trop grand.`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async text(path: string, max: number): Promise<string> {
    return (await this.bytes(path, max)).toString('utf8');
  }

  async json<T>(path: string, max: number): Promise<T> {
    const text = await this.text(path, max);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw refuse('ARCHIVE_FORMAT', `archive refusée : « ${path} » n’est pas du JSON valide.`);
    }
  }

  /** The SHA-256 and size of a file as it is in the archive. */
  async digest(path: string): Promise<{ sha256: string; bytes: number }> {
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of await this.stream(path)) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
    } catch (error) {
      if (error instanceof OrganisationArchiveError) throw error;
      throw refuse('ARCHIVE_CHECKSUM', `archive refusée : « ${path} » est abîmé (${(error as Error).message}).`);
    }
    return { sha256: hash.digest('hex'), bytes };
  }

  /** A JSON Lines file, a batch of parsed rows at a time; a line over `maxLine` bytes is refused. */
  async *lines(path: string, maxLine: number, batch: number): AsyncGenerator<Row[]> {
    let rows: Row[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let number = 0;
    const parse = (bytes: Buffer) => {
      number++;
      const text = bytes.toString('utf8').trim();
      if (!text) return;
      try {
        rows.push(JSON.parse(text) as Row);
      } catch {
        throw refuse('ARCHIVE_FORMAT', `archive refusée : « ${path} », ligne ${number}, n’est pas du JSON valide.`);
      }
    };
    for await (const data of await this.stream(path)) {
      let chunk = data as Buffer;
      let at: number;
      while ((at = chunk.indexOf(0x0a)) >= 0) {
        pending.push(chunk.subarray(0, at));
        parse(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
        chunk = chunk.subarray(at + 1);
      }
      pendingBytes += chunk.length;
      if (pendingBytes > maxLine)
        throw refuse('ARCHIVE_TOO_LARGE', `archive refusée : « ${path} » a une ligne trop longue.`);
      if (chunk.length) pending.push(chunk);
      if (rows.length >= batch) {
        yield rows;
        rows = [];
      }
    }
    if (pending.length) parse(Buffer.concat(pending));
    if (rows.length) yield rows;
  }
}
