import { useState } from 'react';
import { type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import {
  PALETTE,
  addField,
  childKeys,
  containerOf,
  declarationsOf,
  fieldTypeAt,
  isTuple,
  labelAt,
  moveField,
  sharedGroupOf,
  typeName,
  type FieldType,
  type Path,
} from './definition';
import { Select, TextInput } from './FieldControls';
import type { Apply } from './FieldPanel';
import { SharedBlockNotice, isShared } from './SharedGroupNotice';

/**
 * The fields inside a group or a repeatable block: select, reorder, add. A tuple's places are only selected (each
 * is answered at its position); a group kept in `$defs` says that what is done here is done in every place.
 */
export function Children({
  def,
  pageId,
  path,
  apply,
  onSelect,
}: {
  def: ServiceDefinition;
  pageId: string;
  path: Path;
  apply: Apply;
  onSelect: (path: Path) => void;
}) {
  const keys = childKeys(def, path);
  const [label, setLabel] = useState('');
  const [type, setType] = useState<FieldType>('text');
  const id = `studio-enfants-${path.join('-')}`;
  const tuple = isTuple(containerOf(def, path));
  // The group the block's fields are in (the last key only names a child: any will do).
  const group = sharedGroupOf(def, [...path, '']);
  // Where each field is declared: a field moves only among those declared with it (the group's own, or a branch's).
  const owners = tuple ? undefined : declarationsOf(def, containerOf(def, path));
  const movable = (a: string, b: string | undefined) =>
    !tuple && b !== undefined && owners?.get(a)?.owner === owners?.get(b)?.owner;
  return (
    <fieldset className="studio-children" aria-describedby={isShared(group) ? `${id}-partage` : undefined}>
      <legend>{tr('Champs de ce bloc', 'Fields of this block')}</legend>
      {isShared(group) && <SharedBlockNotice id={`${id}-partage`} group={group} />}
      {keys.length === 0 ? (
        <p className="hint">{tr('Aucun champ pour l’instant.', 'No field yet.')}</p>
      ) : (
        <ol className="studio-list-items">
          {keys.map((key, i) => {
            const childLabel = labelAt(def, [...path, key]);
            return (
              <li key={key}>
                <button type="button" className="link-button" onClick={() => onSelect([...path, key])}>
                  {childLabel}
                </button>{' '}
                <span className="muted">
                  ({typeName(fieldTypeAt(def, [...path, key]))}
                  {owners?.get(key)?.route.some((s) => s.keyword !== 'allOf') &&
                    `, ${tr('champ conditionnel', 'conditional field')}`}
                  )
                </span>{' '}
                {movable(key, keys[i - 1]) && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    onClick={() => apply((d) => moveField(d, pageId, [...path, key], -1))}
                  >
                    {tr('Monter', 'Move up')}
                    <span className="sr-only"> « {childLabel} »</span>
                  </button>
                )}
                {movable(key, keys[i + 1]) && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    onClick={() => apply((d) => moveField(d, pageId, [...path, key], 1))}
                  >
                    {tr('Descendre', 'Move down')}
                    <span className="sr-only"> « {childLabel} »</span>
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {!tuple && (
        <>
          <TextInput
            id={`${id}-libelle`}
            label={tr('Libellé du champ à ajouter dans ce bloc', 'Label of the field to add to this block')}
            value={label}
            onChange={setLabel}
          />
          <Select
            id={`${id}-type`}
            label={tr('Type du champ', 'Field type')}
            value={type}
            options={PALETTE.filter((p) => p.simple).map((p) => [p.type, p.name()])}
            onChange={(v) => setType(v as FieldType)}
          />
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              const text = label;
              apply(
                (d) => addField(d, pageId, path, type, text).def,
                undefined,
                tr(`Champ « ${text} » ajouté au bloc.`, `Field “${text}” added to the block.`),
              );
              setLabel('');
              document.getElementById(`${id}-libelle`)?.focus();
            }}
          >
            {tr('Ajouter dans ce bloc', 'Add to this block')}
          </button>
        </>
      )}
    </fieldset>
  );
}
