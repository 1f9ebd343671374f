import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import type { Submission } from '@guichet/persistence';
import { workflowOf } from '@guichet/workflow';
import { AttachmentRepository, MESSAGE_FILE_POINTER } from './attachment-repository';
import { citizenEditable } from './transitions';
import {
  AppError,
  MESSAGE_FILE_MAX_BYTES,
  encodePointerSegment,
  organisationId,
  parseJsonPointer,
  type JsonSchema,
  type OrganisationId,
  type ServiceDefinition,
  isUuid,
} from '@guichet/shared';

/** Where attachment bytes live. Local disk by default; an S3-compatible store implements the same. */
export interface AttachmentStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Readable;
  delete(key: string): Promise<void>;
}

export class LocalDiskStorage implements AttachmentStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const path = resolve(this.root, key);
    // Keys are ours (uuids), but a storage never writes outside its root.
    if (!path.startsWith(`${this.root}/`)) throw new Error(`invalid storage key: ${key}`);
    return path;
  }

  /**
   * Writes a new file, never over an existing one. A full disk (or quota) is
   * a 507 STORAGE_FULL, and whatever part of the file was written is removed:
   * no half file is ever left under a key.
   */
  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.path(key);
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw storageError(error);
    }
    const file = await open(path, 'wx', 0o600).catch((error: unknown) => {
      throw storageError(error);
    });
    let closed = false;
    try {
      await file.writeFile(bytes);
      // Some filesystems (network ones, delayed allocation) report a full disk only here; and the bytes are
      // on disk before the row that points at them is committed.
      await file.sync();
      closed = true;
      await file.close();
    } catch (error) {
      if (!closed) await file.close().catch(() => undefined);
      await rm(path, { force: true });
      throw storageError(error);
    }
  }

  get(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/** A full disk says so in the registry's words; anything else goes on as it was. */
function storageError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NO_SPACE.has(code) ? new AppError('STORAGE_FULL', { cause: error }) : error;
}

/** The type of a file from its first bytes; the name and the browser's claim are not trusted. */
export function sniffMediaType(head: Buffer): string | undefined {
  const starts = (bytes: number[], offset = 0) => bytes.every((b, i) => head[offset + i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38]) && (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61)
    return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

export { MESSAGE_FILE_MAX_BYTES, MESSAGE_FILE_POINTER };
export const MESSAGE_FILE_TYPES: readonly string[] = ['application/pdf', 'image/*'];

/**
 * A file name as the citizen gave it, made safe to store and show: NFC (a
 * Mac sends « é » as e + accent), letters of any script and the punctuation
 * names really use (’ ' , & + [ ]) kept; path separators, quotes, control
 * and other characters become `_`. At most 200 characters, never half a pair.
 */
export function safeFilename(name: string): string {
  const clean = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N} ._()\-’',&+[\]]/gu, '_')
    .replace(/^[ .]+/, '');
  return Array.from(clean).slice(0, 200).join('').trim() || 'fichier';
}

/** The extensions each type we take may carry; the first is the one given to a name that has none of them. */
const EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['.pdf'],
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg', '.jpe', '.jfif'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
};

/**
 * The name a file is kept and downloaded under: `safeFilename`, ending with an extension of the type read from its
 * content. A PDF sent as « certificat.exe » or « certificat » would otherwise reach the caseworker's computer as a
 * program or as a file nothing opens; a 300-character name would lose its « .pdf » to the cut. So a name whose
 * extension is not one of its type's gets the type's (« certificat.exe.pdf »), and the cut spares the extension.
 */
export function storedFilename(name: string, mediaType: string): string {
  const extensions = EXTENSIONS[mediaType];
  if (!extensions) return safeFilename(name);
  const nfc = name.normalize('NFC');
  const dot = nfc.lastIndexOf('.');
  const own = dot > 0 && extensions.includes(nfc.slice(dot).toLowerCase());
  const suffix = own ? nfc.slice(dot) : extensions[0]!;
  const base = safeFilename(own ? nfc.slice(0, dot) : nfc);
  return `${Array.from(base)
    .slice(0, 200 - suffix.length)
    .join('')
    .trim()}${suffix}`;
}

/**
 * The files one request may hold (its field files; a caseworker's message
 * files are not counted). Replaced files are deleted when the draft is saved
 * without them, so what piles up is files sent and never saved: at most
 * `pendingFiles` of those, and `files` files and `bytes` bytes in all.
 */
export interface FileQuota {
  pendingFiles: number;
  files: number;
  bytes: number;
}

export const DEFAULT_FILE_QUOTA: FileQuota = { pendingFiles: 5, files: 50, bytes: 100 * 1024 * 1024 };

/**
 * The media type of an uploaded file, read from its first bytes, once it is known to fit: not empty (a file saved
 * badly or a cloud placeholder not yet downloaded has no content, and « type not accepted » would send the citizen
 * looking for the wrong fault), not over `limit`, of a type in `accept`. Citizens' files, trials' and caseworkers'
 * alike.
 */
export function checkedUpload(file: UploadedFile, limit: number, accept: readonly string[]): string {
  if (file.truncated || file.bytes.length > limit) {
    throw new AppError('PAYLOAD_TOO_LARGE', { params: { limit: `${Math.round(limit / 1024 / 1024)} Mo` } });
  }
  if (file.bytes.length === 0) throw new AppError('FILE_EMPTY');
  const mediaType = sniffMediaType(file.bytes.subarray(0, 16));
  if (!mediaType || !accepted(accept, mediaType))
    throw new AppError('FILE_TYPE_NOT_ACCEPTED', { params: { accepted: accept.join(', ') } });
  return mediaType;
}

export function accepted(accept: readonly string[], mediaType: string): boolean {
  return accept.some((a) => a === mediaType || (a.endsWith('/*') && mediaType.startsWith(a.slice(0, -1))));
}

/** The schema of the field a pointer designates (array indexes go through `items`). */
export function fieldSchema(schema: JsonSchema, pointer: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const segment of parseJsonPointer(pointer)) {
    if (!node || typeof node !== 'object') return undefined;
    if (/^\d+$/.test(segment) && node.items && typeof node.items === 'object') node = node.items as JsonSchema;
    else node = (node.properties as Record<string, JsonSchema> | undefined)?.[segment];
  }
  return node;
}

/** Every attachment id a request's answers refer to, with where. */
export function referencedAttachments(
  schema: JsonSchema,
  data: unknown,
  path = '',
): Array<{ pointer: string; id: string }> {
  if (!schema || typeof schema !== 'object') return [];
  if (schema['x-file'] && typeof data === 'string') return [{ pointer: path, id: data }];
  if (Array.isArray(data) && schema.items && typeof schema.items === 'object') {
    return data.flatMap((item, i) => referencedAttachments(schema.items as JsonSchema, item, `${path}/${i}`));
  }
  if (data && typeof data === 'object' && schema.properties) {
    return Object.entries(data as Record<string, unknown>).flatMap(([k, v]) => {
      const sub = (schema.properties as Record<string, JsonSchema>)[k];
      return sub ? referencedAttachments(sub, v, `${path}/${encodePointerSegment(k)}`) : [];
    });
  }
  return [];
}

const fileFields = new WeakMap<object, boolean>();

/**
 * Whether `referencedAttachments` can find anything at all under this schema: a field marked `x-file` that its walk
 * reaches (through `properties` and object `items`, as it walks). False means it finds nothing in any answers, so a
 * save need not look for files it drops (issue 22). Known once per schema object (a published version's never changes).
 */
export function mayReferenceAttachments(schema: JsonSchema): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const known = fileFields.get(schema);
  if (known !== undefined) return known;
  const walk = (node: JsonSchema): boolean => {
    if (!node || typeof node !== 'object') return false;
    if (node['x-file']) return true;
    if (node.items && typeof node.items === 'object' && walk(node.items as JsonSchema)) return true;
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    return !!properties && typeof properties === 'object' && Object.values(properties).some(walk);
  };
  const found = walk(schema);
  fileFields.set(schema, found);
  return found;
}

export interface UploadedFile {
  filename: string;
  bytes: Buffer;
  /** More bytes than the limit arrived (the rest was not read). */
  truncated: boolean;
}

/**
 * Files of a request: checked against their field (size, type by content), stored, served to the owner only.
 * Its statements are `AttachmentRepository`'s, each scoped by the request's organisation.
 */
export class Attachments {
  private readonly files: AttachmentRepository;

  constructor(
    dataSource: DataSource,
    private readonly storage: AttachmentStorage,
    /** Installation-wide ceiling, whatever a field allows. */
    readonly maxBytes = 20 * 1024 * 1024,
    readonly quota: FileQuota = DEFAULT_FILE_QUOTA,
  ) {
    this.files = new AttachmentRepository(dataSource.manager);
  }

  /** The byte limit of a file field, for the upload parser. */
  async limitFor(submission: Submission, pointer: string): Promise<{ limit: number; accept: string[] }> {
    const version = await this.files.formVersion(organisationId(submission.organisationId), submission.formVersionId);
    const schema = fieldSchema((version.definition as unknown as ServiceDefinition).schema, pointer);
    const config =
      schema && typeof schema === 'object'
        ? (schema['x-file'] as { accept?: string[]; maxBytes?: number } | undefined)
        : undefined;
    if (!config) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/pointer', code: 'not_a_file_field', message: 'Ce champ n’accepte pas de fichier.' }],
      });
    }
    return {
      limit: Math.min(config.maxBytes ?? 10 * 1024 * 1024, this.maxBytes),
      accept: config.accept ?? ['application/pdf', 'image/*'],
    };
  }

  async store(
    submission: Submission,
    pointer: string,
    file: UploadedFile,
  ): Promise<{ attachmentId: string; mediaType: string; bytes: number }> {
    if (submission.status !== 'draft') {
      // After a request for changes the citizen may add the missing document, as they may edit their answers.
      const version = await this.files.formVersion(organisationId(submission.organisationId), submission.formVersionId);
      if (!citizenEditable(workflowOf(version.definition), submission.status)) throw new AppError('NOT_A_DRAFT');
    }
    const { limit, accept } = await this.limitFor(submission, pointer);
    return this.save(submission, pointer, file, limit, accept);
  }

  /**
   * A file a caseworker joins to a message (one PDF or image, 10 MB at most,
   * type checked on content). It belongs to the request; until a message
   * names it, the orphan sweep deletes it after a day.
   */
  async storeForMessage(
    submission: Pick<Submission, 'id' | 'organisationId'>,
    file: UploadedFile,
  ): Promise<{ attachmentId: string; filename: string; mediaType: string; bytes: number }> {
    const limit = Math.min(MESSAGE_FILE_MAX_BYTES, this.maxBytes);
    const saved = await this.save(submission, MESSAGE_FILE_POINTER, file, limit, MESSAGE_FILE_TYPES);
    return { ...saved, filename: storedFilename(file.filename, saved.mediaType) };
  }

  private async save(
    submission: Pick<Submission, 'id' | 'organisationId'>,
    pointer: string,
    file: UploadedFile,
    limit: number,
    accept: readonly string[],
  ): Promise<{ attachmentId: string; mediaType: string; bytes: number }> {
    const mediaType = checkedUpload(file, limit, accept);
    const organisation = organisationId(submission.organisationId);
    const id = randomUUID();
    const storageKey = join(organisation, submission.id, id);
    await this.storage.put(storageKey, file.bytes);
    try {
      await this.files.transaction(async (files) => {
        // One upload at a time per request: two parallel ones cannot both pass the quota.
        const held = await files.lockAnswers(organisation, submission.id);
        if (pointer !== MESSAGE_FILE_POINTER) await this.checkQuota(files, organisation, submission.id, held, file);
        await files.insert(organisation, {
          id,
          submissionId: submission.id,
          pointer,
          filename: storedFilename(file.filename, mediaType),
          mediaType,
          bytes: file.bytes.length,
          sha256: createHash('sha256').update(file.bytes).digest('hex'),
          storageKey,
        });
      });
    } catch (error) {
      // Without its row nobody could reach the file, and the orphan sweep (which starts from rows) would never see it.
      await this.storage.delete(storageKey).catch(() => undefined);
      throw error;
    }
    return { attachmentId: id, mediaType, bytes: file.bytes.length };
  }

  /** Refuses a file past the request's quota (see FileQuota); `data` is the saved answers, as text. */
  private async checkQuota(
    repository: AttachmentRepository,
    organisation: OrganisationId,
    submissionId: string,
    data: string,
    file: UploadedFile,
  ) {
    const held = await repository.fieldFiles(organisation, submissionId);
    const pending = held.filter((a) => !data.includes(a.id)).length;
    const bytes = held.reduce((sum, a) => sum + Number(a.bytes), 0) + file.bytes.length;
    const { pendingFiles, files, bytes: maxBytes } = this.quota;
    if (pending >= pendingFiles || held.length >= files || bytes > maxBytes) {
      throw new AppError('FILES_QUOTA_EXCEEDED', {
        params: {
          limit:
            pending >= pendingFiles
              ? `${pendingFiles} fichiers envoyés sans être enregistrés`
              : `${files} fichiers, ${Math.round(maxBytes / 1024 / 1024)} Mo`,
        },
      });
    }
  }

  /**
   * The files a save has just let go of (`ids`: referred to by the answers
   * before, not any more), deleted at once rather than by the daily sweep:
   * rows in the save's transaction, bytes by `deleteBytes` once it has
   * committed. Only this request's field files: never a message file, never
   * a file of another request, and never one the new answers still name.
   */
  async dropReleased(
    manager: EntityManager,
    submission: Pick<Submission, 'id' | 'organisationId'>,
    ids: readonly string[],
  ): Promise<string[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return this.files.within(manager).deleteFieldFiles(organisationId(submission.organisationId), submission.id, valid);
  }

  /** The bytes of files whose rows are gone; a failure leaves bytes nobody can reach, never a row without bytes. */
  async deleteBytes(storageKeys: readonly string[]): Promise<void> {
    for (const key of storageKeys) await this.storage.delete(key).catch(() => undefined);
  }

  async open(
    submission: Pick<Submission, 'id' | 'organisationId'>,
    attachmentId: string,
  ): Promise<{ stream: Readable; mediaType: string; filename: string; bytes: number }> {
    if (!isUuid(attachmentId)) throw new AppError('NOT_FOUND');
    const attachment = await this.files.file(organisationId(submission.organisationId), submission.id, attachmentId);
    if (!attachment) throw new AppError('NOT_FOUND');
    return {
      stream: this.storage.get(attachment.storageKey),
      mediaType: attachment.mediaType,
      filename: attachment.filename,
      bytes: attachment.bytes,
    };
  }

  /**
   * Files nobody's answers refer to any more (replaced, or the field hidden)
   * after `olderThanMs`: their bytes and rows are deleted. Returns how many.
   * Meant for a periodic job; safe to run from several processes at once.
   */
  async cleanOrphans(olderThanMs = 24 * 3600_000, batch = 500): Promise<number> {
    const orphans = await this.files.orphansInAnyOrganisation(olderThanMs, batch);
    for (const orphan of orphans) {
      await this.storage.delete(orphan.storageKey);
      await this.files.delete(orphan.organisationId, orphan.id);
    }
    return orphans.length;
  }

  /** Removes every file of a request, bytes and rows (the request is being deleted). */
  async deleteAllOf(submissionId: string): Promise<void> {
    const files = await this.files.filesOfDeletedRequest(submissionId);
    for (const file of files) {
      await this.storage.delete(file.storageKey);
      await this.files.delete(file.organisationId, file.id);
    }
  }

  /** At submit: every file the answers mention must be one uploaded for this very request. */
  async checkReferences(
    submission: Submission,
    schema: JsonSchema,
    data: unknown,
  ): Promise<Array<{ pointer: string; code: string; message: string }>> {
    const refs = referencedAttachments(schema, data);
    if (refs.length === 0) return [];
    const ids = new Set(await this.files.ids(organisationId(submission.organisationId), submission.id));
    return refs
      .filter((r) => !ids.has(r.id))
      .map((r) => ({
        pointer: r.pointer,
        code: 'x-file',
        message: 'Joignez le fichier à nouveau : la pièce jointe est introuvable.',
      }));
  }
}
