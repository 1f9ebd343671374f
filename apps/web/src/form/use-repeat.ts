/** A repeatable block's items: their stable keys, their bounds, and adding or removing one (focus and announcement). */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { plainText, uiText } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import { freshItem, opensItems } from './minimum-items';
import { itemsSchema, idOf, tupleLength, typeOf, uiChild, type FieldModel } from './model';
import { useFieldError, useLength } from './store';

export function useRepeat(model: FieldModel) {
  const { store, root, semantics } = useForm();
  const stored = useLength(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const id = idOf(model.pointer);
  const tuple = tupleLength(model.schema);
  const length = Math.max(stored, tuple);
  const items = useMemo(() => itemsSchema(root, model.schema), [root, model.schema]);
  const additional = tuple === 0 || (model.schema.items !== undefined && model.schema.items !== false);
  // RJSF names items by their uiSchema's `ui:title` first, as the review page and the receipt do.
  const itemsUi = uiChild(model.ui, 0);
  const itemTitle = plainText(
    uiText(itemsUi, 'title') ?? (typeof items.title === 'string' ? items.title : tr('Élément', 'Item')),
  );
  const max = additional ? (typeof model.schema.maxItems === 'number' ? model.schema.maxItems : Infinity) : tuple;
  const min = Math.max(typeof model.schema.minItems === 'number' ? model.schema.minItems : 0, tuple);
  // Stable keys: removing the second of three items keeps the third's fields (and their focus) intact.
  const keys = useRef<string[]>([]);
  const serial = useRef(0);
  while (keys.current.length < length) keys.current.push(`k${serial.current++}`);
  if (keys.current.length > length) keys.current.length = length;
  // A tuple's fixed items are drawn before the list exists: what the citizen answers there starts a list.
  useEffect(() => store.markList(model.pointer), [store, model.pointer]);
  const [announce, setAnnounce] = useState('');
  const focusItem = useRef<number | null>(null);
  const groupId = useId();
  useEffect(() => {
    if (focusItem.current === null) return;
    const target = document.getElementById(`${id}-${focusItem.current}`);
    focusItem.current = null;
    target?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  });
  const list = () => {
    const v = store.get(model.pointer);
    return Array.isArray(v) ? v : [];
  };
  const schemaAt = (i: number) => (i < tuple ? itemsSchema(root, model.schema, i) : items);
  const uiAt = (i: number) => uiChild(model.ui, i);
  const add = () => {
    const schema = schemaAt(length);
    // A list of groups as an item (a week of days) opens to its `minItems` as a group's own lists do.
    const isGroup = typeOf(schema) === 'object' || opensItems(root, schema);
    // RJSF's new item: the item schema's defaults (a group's own lists of groups opened to their `minItems`), an
    // empty group, or nothing yet.
    const fresh = isGroup
      ? freshItem(root, schema, semantics ? (items) => semantics.withDefaults(items, {}) : undefined)
      : semantics?.withDefaults(schema, undefined);
    store.set(model.pointer, [...list(), fresh]);
    focusItem.current = length;
    setAnnounce(`${itemTitle} ${length + 1} ${tr('ajouté', 'added')}.`);
  };
  const remove = (index: number) => {
    keys.current.splice(index, 1);
    const next = list().filter((_, i) => i !== index);
    store.set(model.pointer, next.length ? next : undefined);
    setAnnounce(`${itemTitle} ${index + 1} ${tr('retiré', 'removed')}.`);
    document.getElementById(`${id}-ajouter`)?.focus();
  };
  return { id, error, tuple, length, itemTitle, max, min, keys, announce, groupId, schemaAt, uiAt, add, remove };
}
