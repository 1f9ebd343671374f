import type { JsonSchema, ServiceDefinition } from '@guichet/shared';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** The first answer, in schema order, whose field has `format: "email"` (top level or one group down). */
function firstEmailAnswer(schema: JsonSchema, data: Record<string, unknown>, depth = 0): string | null {
  if (!schema || typeof schema !== 'object' || depth > 2) return null;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, sub] of Object.entries(properties)) {
    const value = data[key];
    if (sub && typeof sub === 'object' && sub.format === 'email' && typeof value === 'string' && EMAIL.test(value))
      return value;
    if (sub && typeof sub === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
      const nested = firstEmailAnswer(sub, value as Record<string, unknown>, depth + 1);
      if (nested) return nested;
    }
  }
  return null;
}

/**
 * Where notifications about a request go, decided at submission: the email
 * FranceConnect vouches for when the citizen signed in, otherwise the first
 * email address in the answers. None: the request gets no emails.
 */
export function contactOf(
  definition: Pick<ServiceDefinition, 'schema'>,
  data: Record<string, unknown>,
  claims: Readonly<Record<string, string>> | undefined,
): { contactEmail: string | null; contactName: string | null } {
  const claimed = claims?.email && EMAIL.test(claims.email) ? claims.email : null;
  const name = [claims?.given_name, claims?.family_name].filter(Boolean).join(' ').trim();
  return {
    contactEmail: (claimed ?? firstEmailAnswer(definition.schema, data))?.slice(0, 320) ?? null,
    contactName: name ? name.slice(0, 200) : null,
  };
}

/**
 * What the inbox's free-text search matches for a request: its reference,
 * the citizen's name and email, and the short text answers (names, towns,
 * postal codes…), at most 4,000 characters.
 */
export function searchText(
  reference: string | null,
  contact: { contactEmail: string | null; contactName: string | null },
  data: Record<string, unknown>,
): string {
  const parts: string[] = [reference ?? '', contact.contactName ?? '', contact.contactEmail ?? ''];
  const walk = (value: unknown, depth: number) => {
    if (depth > 4) return;
    if (typeof value === 'string' && value.length <= 100) parts.push(value);
    else if (Array.isArray(value)) value.forEach((v) => walk(v, depth + 1));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => walk(v, depth + 1));
  };
  walk(data, 0);
  // Words only, split where the inbox splits the terms searched: PostgreSQL's parser would otherwise read
  // « GCH-2345-ABC » as « gch », « -2345 » (a signed number) and « abc », and an email as one word, so searching
  // the reference or a part of the email found nothing.
  return searchFold(parts.join(' '))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .slice(0, 4000);
}

/**
 * Lower case without accents (« GÉRARD » → « gerard »), done here rather than
 * by PostgreSQL: under the C locale (the embedded database's) its text search
 * neither lower-cases nor even keeps « É » inside a word. The inbox folds the
 * terms searched the same way, so a search is also accent-insensitive.
 */
export function searchFold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
