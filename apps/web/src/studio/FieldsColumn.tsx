import { useRef, useState } from 'react';
import { type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { Palette } from './Palette';
import {
  addField,
  fieldTypeAt,
  labelAt,
  moveField,
  moveFieldBefore,
  pageFieldKeys,
  typeName,
  type FieldType,
  type Path,
} from './definition';
import { TextInput, type Apply } from './FieldPanel';
import { inBranch } from './BranchNotice';

export function FieldsColumn({
  def,
  pageId,
  selected,
  apply,
  onSelect,
  problemsOf,
  focus,
}: {
  def: ServiceDefinition;
  pageId: string;
  selected: Path | null;
  apply: Apply;
  onSelect: (path: Path) => void;
  problemsOf: (path: Path) => ErrorItem[];
  focus: (id: string) => void;
}) {
  const page = def.pages.find((p) => p.id === pageId)!;
  const [label, setLabel] = useState('');
  const dragged = useRef<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const add = (type: FieldType) => {
    let key = '';
    apply(
      (d) => {
        const r = addField(d, pageId, [], type, label);
        key = r.key;
        return r.def;
      },
      undefined,
      tr(`Champ « ${label || typeName(type)} » ajouté.`, `Field “${label || typeName(type)}” added.`),
    );
    setLabel('');
    window.setTimeout(() => {
      if (key) onSelect([key]);
    }, 0);
  };
  return (
    <section aria-labelledby="studio-champs-titre" className="studio-fields">
      <h2 id="studio-champs-titre" tabIndex={-1}>
        {tr('Champs de l’étape', 'Fields of the step')} « {page.title} »
      </h2>
      {page.fields.length === 0 ? (
        <p className="hint">
          {tr(
            'Cette étape n’a pas encore de champ : ajoutez-en un ci-dessous.',
            'This step has no field yet: add one below.',
          )}
        </p>
      ) : (
        <>
          <p className="hint" id="studio-glisser-aide">
            {tr(
              'Réordonnez avec les boutons Monter et Descendre, ou en glissant un champ sur un autre.',
              'Reorder with the Move up and Move down buttons, or by dragging a field onto another.',
            )}
          </p>
          <ol className="studio-list-items">
            {pageFieldKeys(def, pageId).map((key) => {
              const path = [key];
              const text = labelAt(def, path);
              const problems = problemsOf(path);
              const isSelected = selected?.[0] === key;
              // A field on no page, that a condition or a choice of the root brings: listed where the form draws it,
              // after the field it follows; it has no place of its own in the page's order.
              const i = page.fields.indexOf(key);
              if (i < 0)
                return (
                  <li key={key} className={isSelected ? 'is-selected' : ''}>
                    <button
                      type="button"
                      className="studio-select"
                      id={`studio-champ-${key}`}
                      aria-pressed={isSelected}
                      onClick={() => onSelect(path)}
                    >
                      {text}
                      <span className="muted">
                        {' '}
                        — {typeName(fieldTypeAt(def, path))}
                        {inBranch(def, path) && `, ${tr('champ conditionnel', 'conditional field')}`}
                      </span>
                    </button>
                    <FirstProblem problems={problems} />
                  </li>
                );
              return (
                <li
                  key={key}
                  draggable
                  className={`${isSelected ? 'is-selected' : ''}${over === key ? ' is-drop-target' : ''}`}
                  onDragStart={(e) => {
                    dragged.current = key;
                    e.dataTransfer.effectAllowed = 'move';
                    e.dataTransfer.setData('text/plain', key);
                  }}
                  onDragOver={(e) => {
                    if (dragged.current && dragged.current !== key) {
                      e.preventDefault();
                      setOver(key);
                    }
                  }}
                  onDragLeave={() => setOver((o) => (o === key ? null : o))}
                  onDrop={(e) => {
                    e.preventDefault();
                    const moving = dragged.current;
                    dragged.current = null;
                    setOver(null);
                    if (moving && moving !== key)
                      apply(
                        (d) => moveFieldBefore(d, pageId, [moving], key),
                        undefined,
                        tr(`Champ déplacé avant « ${text} ».`, `Field moved before “${text}”.`),
                      );
                  }}
                  onDragEnd={() => {
                    dragged.current = null;
                    setOver(null);
                  }}
                >
                  <button
                    type="button"
                    className="studio-select"
                    id={`studio-champ-${key}`}
                    aria-pressed={isSelected}
                    aria-describedby="studio-glisser-aide"
                    onClick={() => onSelect(path)}
                  >
                    <span className="studio-drag" aria-hidden="true">
                      ⠿
                    </span>{' '}
                    {text}
                    <span className="muted"> — {typeName(fieldTypeAt(def, path))}</span>
                  </button>
                  <FirstProblem problems={problems} />
                  <span className="studio-row-actions">
                    {i > 0 && (
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        id={`studio-champ-${key}-monter`}
                        onClick={() => {
                          apply(
                            (d) => moveField(d, pageId, path, -1),
                            undefined,
                            tr(`« ${text} » monté en position ${i}.`, `Moved to ${i}.`),
                          );
                          focus(i - 1 > 0 ? `studio-champ-${key}-monter` : `studio-champ-${key}-descendre`);
                        }}
                      >
                        {tr('Monter', 'Move up')}
                        <span className="sr-only"> « {text} »</span>
                      </button>
                    )}
                    {i < page.fields.length - 1 && (
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        id={`studio-champ-${key}-descendre`}
                        onClick={() => {
                          apply(
                            (d) => moveField(d, pageId, path, 1),
                            undefined,
                            tr(`« ${text} » descendu en position ${i + 2}.`, `Moved to ${i + 2}.`),
                          );
                          focus(
                            i + 2 < page.fields.length ? `studio-champ-${key}-descendre` : `studio-champ-${key}-monter`,
                          );
                        }}
                      >
                        {tr('Descendre', 'Move down')}
                        <span className="sr-only"> « {text} »</span>
                      </button>
                    )}
                  </span>
                </li>
              );
            })}
          </ol>
        </>
      )}
      <section aria-labelledby="studio-palette-titre" className="studio-palette">
        <h3 id="studio-palette-titre">{tr('Ajouter un champ à cette étape', 'Add a field to this step')}</h3>
        <TextInput
          id="studio-nouveau-libelle"
          label={tr('Libellé du nouveau champ', 'Label of the new field')}
          value={label}
          onChange={setLabel}
        />
        <Palette onAdd={add} />
      </section>
    </section>
  );
}

/** The first problem the server found on a field, under its name in the list. */
function FirstProblem({ problems }: { problems: ReadonlyArray<{ message: string }> }) {
  if (problems.length === 0) return null;
  return (
    <p className="error-message">
      <span className="sr-only">{tr('Problème : ', 'Problem: ')}</span>
      {problems[0]!.message}
    </p>
  );
}
