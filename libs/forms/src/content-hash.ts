import { createHash } from 'node:crypto';

/**
 * The hash a published version is known by (its `contentHash`: ETag of the
 * citizens' page, name of its validator module): sha256 of the definition's
 * JSON text as authored, key order included. The order of `properties` is the
 * order fields are shown in, so two definitions that differ only by it are
 * two versions, and a browser must not keep the old one. (definitionHash, of
 * the sorted form, stays the validator cache's default key: validation does
 * not depend on order.)
 */
export function authoredHash(definition: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(definition) ?? 'null')
    .digest('hex');
}

/** Same document, same key order, same values: what "nothing changed" means for a definition. */
export function sameAuthoredText(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
