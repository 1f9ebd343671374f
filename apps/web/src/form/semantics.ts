import { useEffect, useState } from 'react';
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

/** The semantics of a definition shown on this page, once loaded (undefined before, or when not needed). */
export function useSemantics(root: Schema | undefined): SchemaSemantics | undefined {
  const [loaded, setLoaded] = useState<{ root: Schema; semantics?: SchemaSemantics } | null>(null);
  useEffect(() => {
    if (!root) return;
    let live = true;
    void loadSemantics(root).then((semantics) => live && setLoaded({ root, semantics }));
    return () => {
      live = false;
    };
  }, [root]);
  return loaded && loaded.root === root ? loaded.semantics : undefined;
}
