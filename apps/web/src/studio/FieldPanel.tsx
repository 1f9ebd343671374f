import { type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { ConditionEditor } from './Conditions';
import {
  hasUiLabel,
  holdsFields,
  inTuple,
  isRequiredAt,
  labelAt,
  labelOf,
  nodeAt,
  problemControl,
  pointerOf,
  prefillOf,
  keptWhenRemoved,
  removeField,
  renameField,
  setKeyword,
  setPrefill,
  setRequired,
  setUiText,
  shapeAt,
  sharedGroupOf,
  typeName,
  fieldTypeAt,
  uiAt,
  uiTextOf,
  updateField,
  type Path,
} from './definition';
import { AnswerControls, type FieldEdit } from './FieldAnswerControls';
import { Children } from './FieldChildren';
import { Check, TextArea, TextInput } from './FieldControls';
import { FileLimits, PrefillChoice, RepeatLimits, SiretLocks } from './FieldKindEditors';
import { SharedFieldNotice, isShared } from './SharedGroupNotice';
import { BranchNotice, inBranch } from './BranchNotice';

// The controls moved to FieldControls.tsx; the columns still import them from here.
export { Check, TextInput } from './FieldControls';

export type Apply = (change: (def: ServiceDefinition) => ServiceDefinition, source?: string, announce?: string) => void;

/** The properties of the selected field: what it asks, its limits, its prefill, when it shows. */
export function FieldPanel({
  def,
  pageId,
  path,
  problems,
  apply,
  onSelect,
  onRemoved,
}: {
  def: ServiceDefinition;
  pageId: string;
  path: Path;
  problems: ErrorItem[];
  apply: Apply;
  onSelect: (path: Path) => void;
  onRemoved: () => void;
}) {
  const id = `studio-prop-${path.join('-')}`;
  // What the field means (its `$ref` followed), for reading; the edits write at its place (nodeAt), so a keyword
  // set on a `$ref`'d field is this place's, and a field inside a group kept in `$defs` is edited in the group.
  const node = shapeAt(def, path);
  const own = nodeAt(def, path);
  const ui = uiAt(def, path);
  const type = fieldTypeAt(def, path);
  const group = sharedGroupOf(def, path);
  // The notices that say what an edit reaches (a shared group, a branch), tied to the controls that make it.
  const branchId = inBranch(def, path) ? `${id}-branche` : undefined;
  const sharedId = [isShared(group) ? `${id}-partage` : undefined, branchId].filter(Boolean).join(' ') || undefined;
  const place = inTuple(def, path);
  // A tuple's place, or a field inside one: the rules and prefill name fields by pointer, where the server counts a
  // tuple's places as one (`/creneau/*`); neither is offered there rather than aimed at every place.
  const inPlace = path.some((_, i) => inTuple(def, path.slice(0, i + 1)));
  const pointer = pointerOf(def, path);
  const source = (what: string) => `${pointer}:${what}`;
  const label = labelAt(def, path);
  const inRepeat = pointer.includes('/*/');
  const container = holdsFields(def, path);
  const prefill = prefillOf(def, pointer);

  const edit: FieldEdit = (what, change) => apply((d) => updateField(d, path, (n, u) => change(n, u)), source(what));
  // A problem about the label or the answers is said at that control, which is marked invalid.
  const at = (control: 'label' | 'options') =>
    problems
      .filter((p) => problemControl(p.pointer) === control)
      .map((p) => p.message)
      .join(' ') || undefined;
  const elsewhere = problems.filter((p) => problemControl(p.pointer) === null);

  return (
    <section aria-labelledby={`${id}-titre`} className="studio-panel">
      <h2 id={`${id}-titre`} tabIndex={-1}>
        {tr('Propriétés', 'Properties')} : {label}
      </h2>
      <p className="hint">
        {typeName(type)}
        {path.length > 1 &&
          ` — ${tr('dans', 'in')} « ${path
            .slice(0, -1)
            .map((_, i) => labelAt(def, path.slice(0, i + 1)))
            .join(' › ')} »`}
      </p>
      {elsewhere.length > 0 && (
        <ul className="studio-problems" aria-label={tr('Problèmes de ce champ', 'Problems of this field')}>
          {elsewhere.map((p, i) => (
            <li key={i} className="error-message">
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {isShared(group) && <SharedFieldNotice id={`${id}-partage`} group={group} labelIsLocal={hasUiLabel(ui)} />}
      {branchId && <BranchNotice id={branchId} def={def} path={path} />}
      <TextInput
        id={`${id}-libelle`}
        label={tr('Libellé', 'Label')}
        error={at('label')}
        describedBy={hasUiLabel(ui) ? branchId : sharedId}
        value={labelOf(node, ui)}
        onChange={(v) => apply((d) => renameField(d, path, v), source('title'))}
      />
      {type === 'explanation' || type === 'section' || type === 'repeat' ? (
        <TextArea
          id={`${id}-description`}
          label={type === 'explanation' ? tr('Texte', 'Text') : tr('Texte d’introduction', 'Introduction')}
          value={String(node.description ?? '')}
          describedBy={sharedId}
          onChange={(v) => edit('description', (n) => setKeyword(n, 'description', v))}
        />
      ) : (
        <TextArea
          id={`${id}-aide`}
          label={tr('Aide', 'Help')}
          value={uiTextOf(ui, 'help') ?? ''}
          onChange={(v) => edit('help', (_n, u) => void setUiText(u, 'help', v))}
        />
      )}
      {type !== 'section' && type !== 'explanation' && type !== 'consent' && !place && (
        <Check
          id={`${id}-obligatoire`}
          label={tr('Obligatoire', 'Required')}
          describedBy={sharedId}
          checked={isRequiredAt(def, path)}
          onChange={(on) =>
            apply(
              (d) => setRequired(d, path, on),
              undefined,
              on ? tr('Champ obligatoire.', 'Field required.') : tr('Champ facultatif.', 'Field optional.'),
            )
          }
        />
      )}
      <AnswerControls
        id={id}
        node={node}
        own={own}
        ui={ui}
        type={type}
        sharedId={sharedId}
        optionsError={at('options')}
        edit={edit}
      />
      {/* RJSF's `format: "data-url"` (the file in the answer) and a list of files keep no `x-file` to edit here. */}
      {type === 'file' && node['x-file'] !== undefined && <FileLimits id={id} node={node} edit={edit} />}
      {type === 'company' && <SiretLocks id={id} node={node} ui={ui} edit={edit} />}
      {type === 'association' && <SiretLocks id={id} node={node} ui={ui} edit={edit} registry="rna" />}
      {type === 'familyQuotient' && <SiretLocks id={id} node={node} ui={ui} edit={edit} registry="quotient" />}
      {type === 'repeat' && <RepeatLimits id={id} node={node} own={own} sharedId={sharedId} edit={edit} />}
      {!container && !inRepeat && !inPlace && !['file', 'section', 'explanation', 'repeat'].includes(type) && (
        <PrefillChoice
          id={id}
          prefill={prefill}
          onChange={(claim, locked) => apply((d) => setPrefill(d, pointer, claim, locked))}
        />
      )}
      {container && type !== 'explanation' && (
        <Children def={def} pageId={pageId} path={path} apply={apply} onSelect={onSelect} />
      )}
      {!inPlace && (
        <ConditionEditor
          def={def}
          target={pointer}
          idPrefix={`${id}-condition`}
          what={tr('ce champ', 'this field')}
          onChange={(next, announce) => apply(() => next, undefined, announce)}
        />
      )}
      {!place && (
        <div className="actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              const kept = keptWhenRemoved(def, path)
                ? tr(
                    ' Repris ailleurs par une référence ($ref), son schéma est gardé dans $defs.',
                    ' Used elsewhere by a reference ($ref), its schema is kept in $defs.',
                  )
                : '';
              apply(
                (d) => removeField(d, path),
                undefined,
                tr(`Champ « ${label} » supprimé.${kept}`, `Field “${label}” deleted.${kept}`),
              );
              onRemoved();
            }}
          >
            {tr('Supprimer le champ', 'Delete the field')}
            <span className="sr-only"> « {label} »</span>
          </button>
        </div>
      )}
    </section>
  );
}
