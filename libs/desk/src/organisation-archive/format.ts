/**
 * The organisation archive (a commune's departure): what its manifest says,
 * the limits an import holds an archive to, and the refusals it answers.
 * docs/operations.md (« Départ d'une commune ») describes the layout.
 */

/** Bumped when the layout or a table's columns change in a way an older import would misread. */
export const ARCHIVE_FORMAT_VERSION = 1;
export const ARCHIVE_KIND = 'guichet-organisation-archive';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ArchiveCounts {
  services: number;
  versions: number;
  requests: number;
  events: number;
  messages: number;
  notes: number;
  documents: number;
  attachments: number;
  attachmentBytes: number;
  followers: number;
  accounts: number;
  memberships: number;
  groups: number;
  organisationEvents: number;
}

export interface Manifest {
  kind: typeof ARCHIVE_KIND;
  formatVersion: number;
  /** The installation it left: its id (installation table) and the software's version. */
  source: { installationId: string | null; software: string | null };
  organisation: { id: string; slug: string; name: string };
  createdAt: string;
  counts: ArchiveCounts;
  /** Every other file of the archive with its size and SHA-256: an import refuses any difference. */
  files: ManifestFile[];
}

export function emptyCounts(): ArchiveCounts {
  return {
    services: 0,
    versions: 0,
    requests: 0,
    events: 0,
    messages: 0,
    notes: 0,
    documents: 0,
    attachments: 0,
    attachmentBytes: 0,
    followers: 0,
    accounts: 0,
    memberships: 0,
    groups: 0,
    organisationEvents: 0,
  };
}

/** What an import accepts; the defaults fit any commune (an operator may raise them). */
export interface ArchiveLimits {
  /** Files in the archive. */
  maxEntries: number;
  /** Sum of the files' sizes once extracted. */
  maxTotalBytes: number;
  /** One file's size once extracted (an attachment, a JSON Lines file). */
  maxEntryBytes: number;
  /** Extracted size over compressed size, for files over 1 MiB: more is a zip bomb, not data. */
  maxRatio: number;
  /** manifest.json and the other JSON documents read whole. */
  maxDocumentBytes: number;
  /** One JSON Lines row. */
  maxLineBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 2_000_000,
  maxTotalBytes: 200 * 1024 ** 3,
  maxEntryBytes: 50 * 1024 ** 3,
  maxRatio: 200,
  maxDocumentBytes: 256 * 1024 ** 2,
  maxLineBytes: 64 * 1024 ** 2,
};

export type ArchiveRefusal =
  | 'ARCHIVE_UNREADABLE'
  | 'ARCHIVE_FORMAT'
  | 'ARCHIVE_UNSAFE_NAME'
  | 'ARCHIVE_TOO_LARGE'
  | 'ARCHIVE_CHECKSUM'
  | 'ARCHIVE_INCONSISTENT'
  | 'ORGANISATION_EXISTS'
  | 'ORGANISATION_UNKNOWN';

/** An archive (or an organisation) refused: a stable code and one French sentence; nothing was written. */
export class OrganisationArchiveError extends Error {
  constructor(
    readonly code: ArchiveRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'OrganisationArchiveError';
  }
}

/**
 * Whether a name may be a file of the archive: relative, `/`-separated, no
 * `..` or `.` segment, no backslash, no control character, no drive letter.
 */
export function safeEntryName(name: string): boolean {
  if (name.length === 0 || name.length > 1024) return false;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(name)) return false;
  return name.split('/').every((segment) => segment !== '..' && segment !== '.' && segment !== '');
}

/** A file name an archive may hold for a citizen's or a letter's file: no separator, no leading dot. */
export function archiveFileName(name: string): string {
  const clean = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N} ._()\-,+]/gu, '_')
    .replace(/^[ .]+/, '');
  return Array.from(clean).slice(0, 120).join('').trim() || 'fichier';
}

/**
 * JSON text laid out again without parsing it: keys stay in their order
 * (integer-like keys included, which a parse would move first). `indent` 0
 * gives the compact form; 2 gives JSON.stringify(value, null, 2)'s layout.
 */
export function layoutJson(text: string, indent: number): string {
  let out = '';
  let depth = 0;
  let i = 0;
  const newline = (d: number) => (indent > 0 ? `\n${' '.repeat(d * indent)}` : '');
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      i++;
      continue;
    }
    if (c === '{' || c === '[') {
      // An empty object or array stays `{}` / `[]`.
      let k = i + 1;
      while (k < text.length && ' \n\r\t'.includes(text[k]!)) k++;
      const close = c === '{' ? '}' : ']';
      if (text[k] === close) {
        out += c + close;
        i = k + 1;
        continue;
      }
      depth++;
      out += c + newline(depth);
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline(depth) + c;
    } else if (c === ',') {
      out += c + newline(depth);
    } else if (c === ':') {
      out += indent > 0 ? ': ' : ':';
    } else {
      out += c;
    }
    i++;
  }
  return out;
}

export const MANIFEST = 'manifest.json';
