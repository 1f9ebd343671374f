/**
 * Accepted file types in words for citizens: « PDF, image ou tableur ODS ou
 * XLSX », never `application/vnd.oasis.opendocument.spreadsheet`.
 */
type Kind = 'document' | 'tableur' | 'présentation' | 'image' | 'archive' | '';

const KNOWN: Record<string, { kind: Kind; name: string }> = {
  'application/pdf': { kind: '', name: 'PDF' },
  'image/*': { kind: 'image', name: '' },
  'image/jpeg': { kind: 'image', name: 'JPEG' },
  'image/png': { kind: 'image', name: 'PNG' },
  'image/webp': { kind: 'image', name: 'WebP' },
  'image/heic': { kind: 'image', name: 'HEIC' },
  'image/gif': { kind: 'image', name: 'GIF' },
  'application/vnd.oasis.opendocument.spreadsheet': { kind: 'tableur', name: 'ODS' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'tableur', name: 'XLSX' },
  'application/vnd.ms-excel': { kind: 'tableur', name: 'XLS' },
  'text/csv': { kind: 'tableur', name: 'CSV' },
  'application/vnd.oasis.opendocument.text': { kind: 'document', name: 'ODT' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', name: 'DOCX' },
  'application/msword': { kind: 'document', name: 'DOC' },
  'application/rtf': { kind: 'document', name: 'RTF' },
  'text/plain': { kind: 'document', name: 'texte brut' },
  'application/vnd.oasis.opendocument.presentation': { kind: 'présentation', name: 'ODP' },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'présentation', name: 'PPTX' },
  'application/zip': { kind: 'archive', name: 'ZIP' },
};

const EN_KIND: Record<Kind, string> = {
  document: 'document',
  tableur: 'spreadsheet',
  présentation: 'presentation',
  image: 'image',
  archive: 'archive',
  '': '',
};

function joinWith(items: string[], last: string): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/** `["application/pdf", "image/*", "application/vnd.oasis.opendocument.spreadsheet", …]` → « PDF, image ou tableur ODS ou XLSX ». */
export function fileTypesText(accept: readonly string[], locale: 'fr' | 'en' = 'fr'): string {
  const or = locale === 'en' ? 'or' : 'ou';
  const groups = new Map<Kind, string[]>();
  const loose: string[] = [];
  for (const type of accept) {
    const known = KNOWN[type.toLowerCase()];
    if (known) groups.set(known.kind, [...(groups.get(known.kind) ?? []), known.name]);
    else if (type.startsWith('.')) loose.push(type.slice(1).toUpperCase());
    else if (type.endsWith('/*')) loose.push(type.slice(0, -2));
    else loose.push((type.split('/')[1] ?? type).split(/[.+-]/).pop()!.toUpperCase());
  }
  const parts: string[] = [];
  for (const [kind, names] of groups) {
    const word = locale === 'en' ? EN_KIND[kind] : kind;
    const listed = joinWith(
      names.filter((n) => n !== ''),
      or,
    );
    parts.push(word && listed ? `${word} ${listed}` : word || listed);
  }
  return joinWith([...parts, ...loose].filter(Boolean), or);
}
