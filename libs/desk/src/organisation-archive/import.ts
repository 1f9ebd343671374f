import { createHash, randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { DataSource } from 'typeorm';
import { EXPORT_KIND } from '@guichet/forms';
import type { AttachmentStorage } from '@guichet/submissions';
import { Archive, refuse, type Row } from './archive-reader';
import {
  ARCHIVE_FORMAT_VERSION,
  ARCHIVE_KIND,
  DEFAULT_ARCHIVE_LIMITS,
  MANIFEST,
  OrganisationArchiveError,
  layoutJson,
  safeEntryName,
  type ArchiveCounts,
  type ArchiveLimits,
  type Manifest,
} from './format';
import { ArchiveImportRepository, type ArchiveTable } from './import-repository';

export interface ImportOrganisationOptions {
  limits?: Partial<ArchiveLimits>;
  /** Rows inserted per statement. */
  batch?: number;
}

export interface ImportedOrganisation {
  organisation: Manifest['organisation'];
  counts: ArchiveCounts;
  /** Accounts already known here (same provider and subject) that the archive's rows now point at. */
  accountsMerged: number;
}

const PARALLEL_WRITES = 4;

/**
 * Recreates an organisation from its archive (exportOrganisation), on an
 * installation that does not hold it yet. In this order, so that a refusal
 * leaves nothing behind:
 *
 * 1. the ZIP directory: names (no `..`, no absolute path), sizes and
 *    compression ratios (no zip bomb), no encrypted or duplicate file;
 * 2. the manifest: kind and format version; it lists exactly the archive's files;
 * 3. every file's SHA-256 against the manifest, before anything is written;
 * 4. the organisation, its services and its accounts are not already here;
 * 5. attachments written to the storage under new keys;
 * 6. every row in one transaction, ids kept (so references, answers' file ids
 *    and follow links stay valid), then counted against the manifest.
 *
 * A failure in 5 or 6 removes the files already written.
 */
export async function importOrganisation(
  dataSource: DataSource,
  storage: AttachmentStorage,
  file: string,
  options: ImportOrganisationOptions = {},
): Promise<ImportedOrganisation> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const batch = options.batch ?? 500;
  const archive = await Archive.open(file, limits);
  try {
    const manifest = await readManifest(archive, limits);
    // Checksums first: a single changed byte refuses the whole archive before anything is written.
    for (const listed of manifest.files) {
      const { sha256, bytes } = await archive.digest(listed.path);
      if (sha256 !== listed.sha256 || bytes !== listed.bytes)
        throw refuse(
          'ARCHIVE_CHECKSUM',
          `archive refusée : l’empreinte SHA-256 de « ${listed.path} » ne correspond pas au manifeste (fichier modifié ou abîmé).`,
        );
    }
    const services = await readServices(archive, manifest, limits);
    const repository = new ArchiveImportRepository(dataSource.manager);
    await refuseExisting(repository, manifest, services);

    const written: string[] = [];
    const keys = new Map<string, string>();
    const listed = new Set(manifest.files.map((f) => f.path));
    // A few writes at once: each waits for its fsync, which a disk (or S3) overlaps well; memory holds as many files.
    const pending = new Set<Promise<void>>();
    try {
      // Files first, under new keys: the rows that point at them are committed after.
      for await (const rows of archive.lines('attachments.jsonl', limits.maxLineBytes, batch)) {
        for (const row of rows) {
          const path = String(row.file);
          if (!listed.has(path))
            throw refuse('ARCHIVE_INCONSISTENT', `archive incohérente : « ${path} » n’est pas au manifeste.`);
          const bytes = await archive.bytes(path, limits.maxEntryBytes);
          if (createHash('sha256').update(bytes).digest('hex') !== row.sha256)
            throw refuse('ARCHIVE_CHECKSUM', `archive refusée : « ${path} » ne correspond pas à son empreinte.`);
          const key = posix.join(manifest.organisation.id, String(row.submission_id), randomUUID());
          written.push(key);
          keys.set(String(row.id), key);
          const put: Promise<void> = storage.put(key, bytes).finally(() => pending.delete(put));
          put.catch(() => undefined);
          pending.add(put);
          if (pending.size >= PARALLEL_WRITES) await Promise.race(pending);
        }
      }
      await Promise.all(pending);
      const accountsMerged = await repository.transaction((rows) =>
        insertRows(rows, archive, manifest, services, keys, limits, batch),
      );
      return { organisation: manifest.organisation, counts: manifest.counts, accountsMerged };
    } catch (error) {
      await Promise.allSettled(pending);
      for (const key of written) await storage.delete(key).catch(() => undefined);
      throw duplicate(error) ?? error;
    }
  } finally {
    archive.close();
  }
}

async function readManifest(archive: Archive, limits: ArchiveLimits): Promise<Manifest> {
  if (!archive.entries.has(MANIFEST))
    throw refuse(
      'ARCHIVE_FORMAT',
      'archive refusée : pas de manifest.json, ce n’est pas une archive d’organisation Guichet.',
    );
  const manifest = await archive.json<Manifest>(MANIFEST, limits.maxDocumentBytes);
  if (manifest?.kind !== ARCHIVE_KIND)
    throw refuse('ARCHIVE_FORMAT', 'archive refusée : ce n’est pas une archive d’organisation Guichet.');
  if (manifest.formatVersion !== ARCHIVE_FORMAT_VERSION)
    throw refuse(
      'ARCHIVE_FORMAT',
      `archive refusée : version de format ${String(manifest.formatVersion)}, cette installation lit la version ${ARCHIVE_FORMAT_VERSION}.`,
    );
  if (!Array.isArray(manifest.files) || !manifest.organisation?.id || !manifest.counts)
    throw refuse('ARCHIVE_FORMAT', 'archive refusée : manifeste incomplet.');
  const listed = new Set<string>();
  for (const f of manifest.files) {
    if (typeof f?.path !== 'string' || !safeEntryName(f.path))
      throw refuse(
        'ARCHIVE_UNSAFE_NAME',
        `archive refusée : nom de fichier dangereux au manifeste « ${String(f?.path)} ».`,
      );
    listed.add(f.path);
    if (archive.entry(f.path).uncompressedSize !== f.bytes)
      throw refuse('ARCHIVE_CHECKSUM', `archive refusée : la taille de « ${f.path} » ne correspond pas au manifeste.`);
  }
  for (const name of archive.entries.keys())
    if (name !== MANIFEST && !listed.has(name))
      throw refuse('ARCHIVE_INCONSISTENT', `archive refusée : « ${name} » n’est pas au manifeste.`);
  return manifest;
}

interface ServiceFile {
  dir: string;
  service: Row;
  draftFile: string;
  versions: Row[];
}

async function readServices(archive: Archive, manifest: Manifest, limits: ArchiveLimits): Promise<ServiceFile[]> {
  const services: ServiceFile[] = [];
  for (const name of archive.entries.keys()) {
    const match = /^services\/([^/]+)\/service\.json$/.exec(name);
    if (!match) continue;
    const read = await archive.json<{ service: Row; draft_file: string; versions: Row[] }>(
      name,
      limits.maxDocumentBytes,
    );
    if (!read?.service || read.service.organisation_id !== manifest.organisation.id || !Array.isArray(read.versions))
      throw refuse('ARCHIVE_INCONSISTENT', `archive incohérente : « ${name} ».`);
    services.push({
      dir: `services/${match[1]}`,
      service: read.service,
      draftFile: read.draft_file,
      versions: read.versions,
    });
  }
  if (services.length !== manifest.counts.services)
    throw refuse('ARCHIVE_INCONSISTENT', 'archive incohérente : le nombre de démarches diffère du manifeste.');
  return services;
}

async function refuseExisting(
  repository: ArchiveImportRepository,
  manifest: Manifest,
  services: ServiceFile[],
): Promise<void> {
  const { id, slug } = manifest.organisation;
  if ((await repository.organisationsTakenInAnyOrganisation(id, slug)).length)
    throw refuse(
      'ORGANISATION_EXISTS',
      `l’organisation « ${slug} » existe déjà dans cette installation : rien n’a été importé.`,
    );
  const taken = await repository.servicesTakenInAnyOrganisation(
    services.map((s) => String(s.service.slug)),
    services.map((s) => String(s.service.id)),
  );
  if (taken.length)
    throw refuse(
      'ORGANISATION_EXISTS',
      `la démarche « ${taken[0]!} » existe déjà dans cette installation : rien n’a été importé.`,
    );
}

/** A unique violation in the transaction: the rows are already in this installation (an import done before). */
function duplicate(error: unknown): OrganisationArchiveError | undefined {
  const driver = (error as { driverError?: { code?: string }; code?: string } | null) ?? {};
  const code = driver.driverError?.code ?? driver.code;
  if (code !== '23505') return undefined;
  return refuse(
    'ORGANISATION_EXISTS',
    'des dossiers ou des références de cette archive existent déjà dans cette installation : rien n’a été importé.',
  );
}

const ACTOR_FIELDS: Record<string, string[]> = {
  submission: ['assignee'],
  submission_event: ['actor'],
  submission_message: ['author'],
  submission_note: ['author'],
  submission_follower: ['agent'],
  organisation_event: ['actor'],
};

async function insertRows(
  repository: ArchiveImportRepository,
  archive: Archive,
  manifest: Manifest,
  services: ServiceFile[],
  keys: Map<string, string>,
  limits: ArchiveLimits,
  batch: number,
): Promise<number> {
  const orgId = manifest.organisation.id;
  const populate = (table: ArchiveTable, rows: Row[]) => repository.populate(table, rows);

  // The organisation, its logo from its file.
  const organisation = await archive.json<Row>('organisation.json', limits.maxDocumentBytes);
  if (organisation.id !== orgId)
    throw refuse('ARCHIVE_INCONSISTENT', 'archive incohérente : organisation.json ne correspond pas au manifeste.');
  await populate('organisation', [organisation]);
  if (typeof organisation.logo_file === 'string')
    await repository.setLogo(orgId, await archive.bytes(organisation.logo_file, limits.maxDocumentBytes));

  // Accounts: one already here (same provider, same subject) is reused, and the archive's rows point at it.
  const remap = new Map<string, string>();
  for await (const rows of archive.lines('accounts.jsonl', limits.maxLineBytes, batch)) {
    const known = await repository.accountsKnownInAnyOrganisation(rows);
    const fresh: Row[] = [];
    for (const row of rows) {
      const same = known.find((k) => k.issuer === row.issuer && k.subject === row.subject);
      if (same) {
        if (same.id !== row.id) remap.set(`${row.id as string}`, same.id);
        continue;
      }
      if (known.some((k) => k.id === row.id)) {
        const id = randomUUID();
        remap.set(`${row.id as string}`, id);
        fresh.push({ ...row, id });
      } else fresh.push(row);
    }
    await populate('account', fresh);
  }
  const actors = (table: ArchiveTable, rows: Row[]): Row[] => {
    if (remap.size === 0) return rows;
    for (const row of rows) {
      if (table === 'submission' && typeof row.owner_account_id === 'string')
        row.owner_account_id = remap.get(row.owner_account_id) ?? row.owner_account_id;
      for (const field of ACTOR_FIELDS[table] ?? []) {
        const value = row[field];
        if (typeof value === 'string' && value.startsWith('account:')) {
          const to = remap.get(value.slice('account:'.length));
          if (to) row[field] = `account:${to}`;
        }
      }
    }
    return rows;
  };

  // Services: the draft and every version from their definition files, text as written (key order kept).
  const definitionOf = async (path: string): Promise<string> => {
    const text = await archive.text(path, limits.maxDocumentBytes);
    let head: { guichet?: unknown };
    try {
      head = JSON.parse(text) as { guichet?: unknown };
    } catch {
      throw refuse('ARCHIVE_FORMAT', `archive refusée : « ${path} » n’est pas du JSON valide.`);
    }
    if (head.guichet !== EXPORT_KIND)
      throw refuse('ARCHIVE_FORMAT', `archive refusée : « ${path} » n’est pas une définition de démarche.`);
    return layoutJson(await repository.definitionText(text), 0);
  };
  const withJson = (row: Row, key: string, json: string) => `${JSON.stringify(row).slice(0, -1)},"${key}":${json}}`;
  for (const service of services) {
    const row = { ...service.service, organisation_id: orgId, webhook_secret: null };
    await repository.insertService(withJson(row, 'draft_definition', await definitionOf(service.draftFile)));
    for (const version of service.versions) {
      const { file, ...fields } = version;
      const published: Row = fields;
      if (typeof published.published_by === 'string' && published.published_by.startsWith('account:'))
        published.published_by = `account:${remap.get(published.published_by.slice(8)) ?? published.published_by.slice(8)}`;
      await repository.insertFormVersion(withJson(published, 'definition', await definitionOf(String(file))));
    }
  }
  for await (const rows of archive.lines('groups.jsonl', limits.maxLineBytes, batch))
    await populate('caseworker_group', rows);
  for await (const rows of archive.lines('agents.jsonl', limits.maxLineBytes, batch))
    await populate('agent_membership', rows);
  for await (const rows of archive.lines('organisation-events.jsonl', limits.maxLineBytes, batch))
    await populate('organisation_event', actors('organisation_event', rows));

  for (const [path, table] of [
    ['requests.jsonl', 'submission'],
    ['events.jsonl', 'submission_event'],
  ] as const) {
    for await (const rows of archive.lines(path, limits.maxLineBytes, batch)) {
      for (const row of rows) if (row.organisation_id !== orgId) throw foreign(path);
      await populate(table, actors(table, rows));
    }
  }
  for await (const rows of archive.lines('attachments.jsonl', limits.maxLineBytes, batch)) {
    for (const row of rows) {
      if (row.organisation_id !== orgId) throw foreign('attachments.jsonl');
      row.storage_key = keys.get(String(row.id));
    }
    await populate('attachment', rows);
  }
  for (const [path, table] of [
    ['messages.jsonl', 'submission_message'],
    ['notes.jsonl', 'submission_note'],
  ] as const) {
    for await (const rows of archive.lines(path, limits.maxLineBytes, batch)) {
      for (const row of rows) if (row.organisation_id !== orgId) throw foreign(path);
      await populate(table, actors(table, rows));
    }
  }
  for await (const rows of archive.lines('documents.jsonl', limits.maxLineBytes, batch)) {
    for (const row of rows) {
      if (row.organisation_id !== orgId) throw foreign('documents.jsonl');
      const { file, ...fields } = row;
      await repository.insertDocument(fields, await archive.bytes(String(file), limits.maxDocumentBytes));
    }
  }
  for await (const rows of archive.lines('followers.jsonl', limits.maxLineBytes, batch)) {
    // A follower row carries no organisation: its request must be one of this archive's.
    const n = await repository.requestsOf(
      orgId,
      rows.map((r) => r.submission_id),
    );
    if (n !== new Set(rows.map((r) => r.submission_id)).size) throw foreign('followers.jsonl');
    await populate('submission_follower', actors('submission_follower', rows));
  }

  // Deadlines (« silence vaut accord ») were jobs of the old installation: queued again here, as the transition
  // that set them did (the job fires only if the request is still in the status it was set for).
  let after: string | null = '00000000-0000-0000-0000-000000000000';
  while (after !== null) after = await repository.requeueDeadlines(orgId, after, batch);

  // What is now in the database is what the manifest counted, or nothing is kept.
  const found = await repository.counts(orgId);
  for (const [key, value] of Object.entries(found))
    if (manifest.counts[key as keyof ArchiveCounts] !== value)
      throw refuse(
        'ARCHIVE_INCONSISTENT',
        `archive incohérente : ${key} ${value} importés, ${manifest.counts[key as keyof ArchiveCounts]} au manifeste.`,
      );
  return remap.size;
}

const foreign = (path: string) =>
  refuse('ARCHIVE_INCONSISTENT', `archive incohérente : « ${path} » contient des lignes d’une autre organisation.`);
