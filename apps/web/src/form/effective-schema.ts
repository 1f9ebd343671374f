/** Which fields an object draws: its conditions decided against its answers, its page's keys in order, its free entries. */
import { useCallback, useMemo, useRef, useSyncExternalStore } from 'react';
import { freeEntrySchema, takesFreeEntries } from '@guichet/shared';
import { useForm } from './context';
import { orderedKeys, type Schema, type Ui } from './model';

/** Keywords by which an object's fields depend on its answers (RJSF's `retrieveSchema` decides them). */
const CONDITIONAL = ['if', 'dependentSchemas', 'dependencies', 'allOf'];
const isConditional = (schema: Schema) => CONDITIONAL.some((k) => schema[k] !== undefined);

/** Reuses the previous schema objects that did not change, so the fields' memo holds across keystrokes. */
function stabilise(previous: Schema | null, next: Schema): Schema {
  if (!previous) return next;
  if (JSON.stringify(previous) === JSON.stringify(next)) return previous;
  const before = (previous.properties ?? {}) as Record<string, Schema>;
  const after = (next.properties ?? {}) as Record<string, Schema>;
  const properties: Record<string, Schema> = {};
  for (const [key, sub] of Object.entries(after))
    properties[key] = before[key] && JSON.stringify(before[key]) === JSON.stringify(sub) ? before[key] : sub;
  return { ...next, properties };
}

const noSubscription = () => () => undefined;

/**
 * The schema of an object as it applies to its current answers: a `then`
 * branch's fields appear when its condition holds, `dependencies` and `allOf`
 * are merged. Only objects with such keywords listen to their answers.
 */
export function useEffectiveSchema(schema: Schema, pointer: string): Schema {
  const { store, semantics } = useForm();
  const on = !!semantics && isConditional(schema);
  const subscribe = useCallback(
    (listener: () => void) => (on ? store.subscribeValue(pointer, listener) : noSubscription()),
    [store, pointer, on],
  );
  const current = () => (on ? store.get(pointer) : undefined);
  const value = useSyncExternalStore(subscribe, current, current);
  const previous = useRef<Schema | null>(null);
  return useMemo(() => {
    if (!on || !semantics) return schema;
    previous.current = stabilise(previous.current, semantics.retrieve(schema, value ?? {}));
    return previous.current;
  }, [on, semantics, schema, value]);
}

/**
 * The keys a page draws: its own, in its order, each followed by the keys
 * that only a condition brings (on no page), as RJSF draws them after the
 * field they follow.
 */
export function keysToDraw(
  schema: Schema,
  ui: Ui,
  keys: string[] | undefined,
  pageKeys?: ReadonlySet<string>,
): string[] {
  const ordered = orderedKeys(schema, ui);
  if (!keys) return ordered;
  const present = new Set(ordered);
  const out: string[] = [];
  const onPage = Array.isArray(ui['ui:order'])
    ? [...keys].sort((a, b) => ordered.indexOf(a) - ordered.indexOf(b))
    : keys;
  for (const key of onPage) {
    if (!present.has(key)) continue;
    out.push(key);
    if (!pageKeys) continue;
    for (let i = ordered.indexOf(key) + 1; i < ordered.length && !pageKeys.has(ordered[i]!); i++) out.push(ordered[i]!);
  }
  return out;
}

/** An object that takes entries under names the citizen chooses (`additionalProperties`, `patternProperties`), as RJSF offers them. */
export const extraAllowed = (schema: Schema) => takesFreeEntries(schema);

/** The schema of the free entry `name` (or of one being added): a matching pattern's, else `additionalProperties`'. */
export function extraSchema(schema: Schema, name?: string): Schema {
  const entry = freeEntrySchema(schema, name);
  return entry.type === undefined && Object.keys(entry).length === 0 ? { type: 'string' } : entry;
}
