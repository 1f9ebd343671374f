import { needsSemantics, type SchemaSemantics } from '@guichet/shared';
import type { Schema } from './model';

/**
 * RJSF's semantics for a definition that needs them (conditions,
 * alternatives, defaults), loaded as a separate chunk: the common form, which
 * needs none of it, does not ship it.
 */
export async function loadSemantics(root: Schema): Promise<SchemaSemantics | undefined> {
  if (!needsSemantics(root)) return undefined;
  const { createSchemaSemantics } = await import('./semantics-chunk');
  return createSchemaSemantics(root);
}
