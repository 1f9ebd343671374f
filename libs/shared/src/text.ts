/**
 * Latin text folded to lowercase ASCII letters: accents dropped (« é » → « e »),
 * ligatures spelt out (« œ » → « oe », « æ » → « ae », « ß » → « ss »), so that
 * « Cœur » gives « coeur » and not « c-ur ». Other characters are kept.
 */
export function foldToAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

export interface SlugOptions {
  /** Between words: `-` for page ids and slugs, `_` for workflow names. */
  separator?: '-' | '_';
  /** Cut to this many characters, with no separator left at the end. */
  maxLength?: number;
  /** When nothing is left (a label of emoji or punctuation only). */
  fallback?: string;
}

/** « Vos enfants à charge » → `vos-enfants-a-charge`: folded, lowercase ASCII words joined by one separator. */
export function slugify(text: string, options: SlugOptions = {}): string {
  const separator = options.separator ?? '-';
  const slug = foldToAscii(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(separator)
    .slice(0, options.maxLength ?? Infinity);
  return slug.replace(separator === '-' ? /-+$/ : /_+$/, '') || (options.fallback ?? '');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * `Content-Disposition` for any file name (RFC 6266): an ASCII `filename`
 * for old clients (accents folded, anything else `_`) and, when that is not
 * the exact name, the exact name in `filename*` (RFC 8187/5987: UTF-8,
 * percent-encoded, `'()*` included, which encodeURIComponent leaves as they
 * are but the grammar does not allow).
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii =
    filename
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'fichier';
  if (ascii === filename) return `${kind}; filename="${ascii}"`;
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
