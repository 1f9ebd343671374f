import { parseJsonPointer, type ServiceDefinition } from '@guichet/shared';

/**
 * The fields whose answer is exactly what the citizen's identity provider
 * sent (the prefill mappings of the form, compared with the claims of the
 * session that submits). A value the citizen typed over, or a field filled
 * without a claim, is not among them: only these may say « transmis par
 * FranceConnect » in the desk. Empty for a citizen without claims.
 */
export function identityPointers(
  definition: Pick<ServiceDefinition, 'settings'>,
  data: unknown,
  claims: Readonly<Record<string, unknown>> | undefined,
): string[] {
  if (!claims) return [];
  const pointers: string[] = [];
  for (const mapping of definition.settings?.prefill ?? []) {
    const claim = claims[mapping.claim];
    if (typeof claim !== 'string' || claim === '') continue;
    let node: unknown = data;
    try {
      for (const segment of parseJsonPointer(mapping.pointer)) {
        node =
          node !== null && typeof node === 'object' && Object.hasOwn(node, segment)
            ? (node as Record<string, unknown>)[segment]
            : undefined;
      }
    } catch {
      continue;
    }
    if (node === claim && !pointers.includes(mapping.pointer)) pointers.push(mapping.pointer);
  }
  return pointers;
}
