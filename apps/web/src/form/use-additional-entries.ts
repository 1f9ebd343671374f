/**
 * Free entries (`additionalProperties`) of an object: the names the citizen
 * gave, in their order, and adding, renaming or removing one (focus and
 * announcement).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import { extraSchema } from './effective-schema';
import { idOf, resolve, typeOf, type Schema } from './model';
import { useValue } from './store';

export function useAdditionalEntries(schema: Schema, pointer: string) {
  const { store, root, semantics } = useForm();
  const value = useValue(store, pointer);
  const object = (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<
    string,
    unknown
  >;
  const known = new Set(Object.keys((schema.properties ?? {}) as object));
  const extras = Object.keys(object).filter((k) => !known.has(k));
  // A new entry's default: the schema most entries take; each named entry then has its own (its matching pattern's).
  const entry = useMemo(() => resolve(root, extraSchema(schema)), [root, schema]);
  const entryFor = useCallback((name: string) => resolve(root, extraSchema(schema, name)), [root, schema]);
  const [announce, setAnnounce] = useState('');
  const id = `${idOf(pointer)}-rubriques`;
  const focusKey = useRef<string | null>(null);
  useEffect(() => {
    if (focusKey.current === null) return;
    document.getElementById(`${id}-${focusKey.current}-nom`)?.focus();
    focusKey.current = null;
  });
  const write = (next: Record<string, unknown>) => store.set(pointer, next);
  const add = () => {
    let name = tr('nouvelleRubrique', 'newEntry');
    for (let i = 2; name in object; i++) name = `${tr('nouvelleRubrique', 'newEntry')}${i}`;
    const fresh = semantics ? semantics.withDefaults(entry, undefined) : undefined;
    write({ ...object, [name]: fresh ?? (typeOf(entry) === 'string' ? '' : undefined) });
    focusKey.current = name;
    setAnnounce(tr('Rubrique ajoutée.', 'Entry added.'));
  };
  const rename = (from: string, to: string) => {
    const name = to.trim();
    if (name === '' || name === from || name in object) return false;
    // Same place in the answers: the entries keep the order the citizen gave them.
    write(Object.fromEntries(Object.entries(object).map(([k, v]) => [k === from ? name : k, v])));
    focusKey.current = name;
    return true;
  };
  const remove = (name: string) => {
    write(Object.fromEntries(Object.entries(object).filter(([k]) => k !== name)));
    setAnnounce(tr('Rubrique retirée.', 'Entry removed.'));
    document.getElementById(`${id}-ajouter`)?.focus();
  };
  return { id, entryFor, extras, announce, add, rename, remove };
}
