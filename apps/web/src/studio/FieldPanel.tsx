import { useState } from 'react';
import { IDENTITY_CLAIMS, type ErrorItem, type IdentityClaim, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { ConditionEditor } from './Conditions';
import {
  CLAIM_LABELS,
  PALETTE,
  addField,
  childKeys,
  isRequiredAt,
  labelAt,
  moveField,
  nodeAt,
  problemControl,
  optionsAt,
  pointerOf,
  prefillOf,
  removeField,
  setKeyword,
  setOptions,
  setPrefill,
  setRequired,
  typeName,
  typeOf,
  uiAt,
  updateField,
  type FieldType,
  type Node,
  type Path,
} from './definition';

export type Apply = (change: (def: ServiceDefinition) => ServiceDefinition, source?: string, announce?: string) => void;

const FORMATS: Array<[string, () => string]> = [
  ['', () => tr('Aucun', 'None')],
  ['email', () => tr('Adresse électronique', 'Email address')],
  ['fr-phone', () => tr('Téléphone français', 'French phone number')],
  ['fr-postal-code', () => tr('Code postal', 'Postcode')],
  ['insee-commune-code', () => tr('Code INSEE de commune', 'INSEE municipality code')],
  ['siret', () => 'SIRET'],
  ['siren', () => 'SIREN'],
  ['iban', () => 'IBAN'],
  ['nir', () => tr('Numéro de sécurité sociale', 'Social security number')],
  ['date', () => tr('Date', 'Date')],
  ['time', () => tr('Heure', 'Time')],
  ['uri', () => tr('Adresse web', 'Web address')],
];

/** What the browser may fill in for the citizen, said in words (the `autocomplete` token stays in the definition). */
const AUTOCOMPLETE: Array<[string, () => string]> = [
  ['', () => tr('Aucune', 'None')],
  ['given-name', () => tr('Prénom', 'Given name')],
  ['family-name', () => tr('Nom de famille', 'Family name')],
  ['name', () => tr('Nom complet', 'Full name')],
  ['email', () => tr('Adresse électronique', 'Email address')],
  ['tel', () => tr('Numéro de téléphone', 'Phone number')],
  ['bday', () => tr('Date de naissance', 'Date of birth')],
  ['street-address', () => tr('Adresse postale complète', 'Full street address')],
  ['address-line1', () => tr('Adresse, ligne 1', 'Address line 1')],
  ['address-line2', () => tr('Adresse, ligne 2', 'Address line 2')],
  ['postal-code', () => tr('Code postal', 'Postcode')],
  ['address-level2', () => tr('Commune', 'Town')],
  ['country-name', () => tr('Pays', 'Country')],
  ['organization', () => tr('Organisme ou entreprise', 'Organisation')],
  ['url', () => tr('Adresse de site web', 'Website address')],
];

const MB = 1024 * 1024;

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
  const node = nodeAt(def, path);
  const ui = uiAt(def, path);
  const type = typeOf(node, ui);
  const pointer = pointerOf(def, path);
  const id = `studio-prop-${path.join('-')}`;
  const source = (what: string) => `${pointer}:${what}`;
  const label = labelAt(def, path);
  const inRepeat = pointer.includes('/*/');
  const container = node.type === 'object' || type === 'repeat';
  const isText = node.type === 'string' && node['x-file'] === undefined && !node.oneOf && !node.enum;
  const isNumber = node.type === 'integer' || node.type === 'number';
  const prefill = prefillOf(def, pointer);

  const edit = (what: string, change: (node: Node, ui: Node) => void) =>
    apply((d) => updateField(d, path, (n, u) => change(n, u)), source(what));
  // A problem about the label or the answers is said at that control, which is marked invalid.
  const at = (control: 'label' | 'options') =>
    problems
      .filter((p) => problemControl(p.pointer) === control)
      .map((p) => p.message)
      .join(' ') || undefined;
  const elsewhere = problems.filter((p) => problemControl(p.pointer) === null);
  const num = (text: string) => (text.trim() === '' ? undefined : Number(text.replace(',', '.')));

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
      <TextInput
        id={`${id}-libelle`}
        label={tr('Libellé', 'Label')}
        error={at('label')}
        value={String(node.title ?? '')}
        onChange={(v) => edit('title', (n) => setKeyword(n, 'title', v))}
      />
      {type === 'explanation' || type === 'section' || type === 'repeat' ? (
        <TextArea
          id={`${id}-description`}
          label={type === 'explanation' ? tr('Texte', 'Text') : tr('Texte d’introduction', 'Introduction')}
          value={String(node.description ?? '')}
          onChange={(v) => edit('description', (n) => setKeyword(n, 'description', v))}
        />
      ) : (
        <TextArea
          id={`${id}-aide`}
          label={tr('Aide', 'Help')}
          value={String(ui['ui:help'] ?? '')}
          onChange={(v) => edit('help', (_n, u) => setKeyword(u, 'ui:help', v))}
        />
      )}
      {type !== 'section' && type !== 'explanation' && type !== 'consent' && (
        <Check
          id={`${id}-obligatoire`}
          label={tr('Obligatoire', 'Required')}
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
      {(isText || isNumber) && (
        <TextInput
          id={`${id}-placeholder`}
          label={tr('Texte indicatif (placeholder)', 'Placeholder')}
          value={String(ui['ui:placeholder'] ?? '')}
          onChange={(v) => edit('placeholder', (_n, u) => setKeyword(u, 'ui:placeholder', v))}
        />
      )}
      {isText && type !== 'date' && type !== 'time' && (
        <div className="studio-pair">
          <TextInput
            id={`${id}-minlength`}
            numeric
            label={tr('Longueur minimale', 'Minimum length')}
            value={String(node.minLength ?? '')}
            onChange={(v) => edit('minLength', (n) => setKeyword(n, 'minLength', num(v)))}
          />
          <TextInput
            id={`${id}-maxlength`}
            numeric
            label={tr('Longueur maximale', 'Maximum length')}
            value={String(node.maxLength ?? '')}
            onChange={(v) => edit('maxLength', (n) => setKeyword(n, 'maxLength', num(v)))}
          />
        </div>
      )}
      {isNumber && (
        <div className="studio-pair">
          <TextInput
            id={`${id}-minimum`}
            numeric
            label={tr('Minimum', 'Minimum')}
            value={String(node.minimum ?? '')}
            onChange={(v) => edit('minimum', (n) => setKeyword(n, 'minimum', num(v)))}
          />
          <TextInput
            id={`${id}-maximum`}
            numeric
            label={tr('Maximum', 'Maximum')}
            value={String(node.maximum ?? '')}
            onChange={(v) => edit('maximum', (n) => setKeyword(n, 'maximum', num(v)))}
          />
        </div>
      )}
      {isText && (
        <Select
          id={`${id}-format`}
          label={tr('Format attendu', 'Expected format')}
          value={String(node.format ?? '')}
          options={FORMATS.map(([v, l]) => [v, l()])}
          onChange={(v) => edit('format', (n) => setKeyword(n, 'format', v))}
        />
      )}
      {(isText || isNumber) && (
        <Select
          id={`${id}-autocomplete`}
          label={tr('Le navigateur peut proposer', 'The browser may offer')}
          value={String(ui['ui:autocomplete'] ?? '')}
          options={autocompleteOptions(String(ui['ui:autocomplete'] ?? ''))}
          onChange={(v) => edit('autocomplete', (_n, u) => setKeyword(u, 'ui:autocomplete', v))}
        />
      )}
      {(type === 'radio' || type === 'select' || type === 'checkboxes') && (
        <OptionsEditor
          id={`${id}-options`}
          node={node}
          ui={ui}
          error={at('options')}
          onChange={(lines) => edit('options', (n, u) => setOptions(n, u, lines))}
        />
      )}
      {(type === 'radio' || type === 'select') && (
        <Select
          id={`${id}-widget`}
          label={tr('Présentation', 'Display')}
          value={type}
          options={[
            ['radio', tr('Boutons radio', 'Radio buttons')],
            ['select', tr('Liste déroulante', 'Drop-down list')],
          ]}
          onChange={(v) => edit('widget', (_n, u) => setKeyword(u, 'ui:widget', v))}
        />
      )}
      {type === 'file' && <FileLimits id={id} node={node} edit={edit} />}
      {type === 'repeat' && (
        <>
          <TextInput
            id={`${id}-element`}
            label={tr('Nom d’un élément (par exemple « Enfant »)', 'Name of one item (for example “Child”)')}
            value={String((node.items as Node | undefined)?.title ?? '')}
            onChange={(v) => edit('itemTitle', (n) => setKeyword(n.items as Node, 'title', v))}
          />
          <div className="studio-pair">
            <TextInput
              id={`${id}-minitems`}
              numeric
              label={tr('Nombre minimal', 'Minimum number')}
              value={String(node.minItems ?? '')}
              onChange={(v) => edit('minItems', (n) => setKeyword(n, 'minItems', num(v)))}
            />
            <TextInput
              id={`${id}-maxitems`}
              numeric
              label={tr('Nombre maximal', 'Maximum number')}
              value={String(node.maxItems ?? '')}
              onChange={(v) => edit('maxItems', (n) => setKeyword(n, 'maxItems', num(v)))}
            />
          </div>
        </>
      )}
      {!container && !inRepeat && type !== 'file' && (
        <fieldset className="studio-prefill">
          <legend>FranceConnect</legend>
          <Select
            id={`${id}-claim`}
            label={tr('Prérempli avec l’information FranceConnect', 'Prefilled with the FranceConnect claim')}
            value={prefill?.claim ?? ''}
            options={[
              ['', tr('Aucune', 'None')],
              ...IDENTITY_CLAIMS.map((c) => [c, CLAIM_LABELS[c]()] as [string, string]),
            ]}
            onChange={(v) =>
              apply((d) => setPrefill(d, pointer, (v || null) as IdentityClaim | null, prefill?.locked ?? true))
            }
          />
          {prefill && (
            <Check
              id={`${id}-verrou`}
              label={tr('Verrouillé : l’usager ne peut pas le modifier', 'Locked: the citizen cannot change it')}
              checked={prefill.locked === true}
              onChange={(on) => apply((d) => setPrefill(d, pointer, prefill.claim, on))}
            />
          )}
        </fieldset>
      )}
      {container && type !== 'explanation' && (
        <Children def={def} pageId={pageId} path={path} apply={apply} onSelect={onSelect} />
      )}
      <ConditionEditor
        def={def}
        target={pointer}
        idPrefix={`${id}-condition`}
        what={tr('ce champ', 'this field')}
        onChange={(next, announce) => apply(() => next, undefined, announce)}
      />
      <div className="actions">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            apply(
              (d) => removeField(d, path),
              undefined,
              tr(`Champ « ${label} » supprimé.`, `Field “${label}” deleted.`),
            );
            onRemoved();
          }}
        >
          {tr('Supprimer le champ', 'Delete the field')}
          <span className="sr-only"> « {label} »</span>
        </button>
      </div>
    </section>
  );
}

/** The fields inside a group or a repeatable block: select, reorder, add. */
function Children({
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
  return (
    <fieldset className="studio-children">
      <legend>{tr('Champs de ce bloc', 'Fields of this block')}</legend>
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
                  ({typeName(typeOf(nodeAt(def, [...path, key]), uiAt(def, [...path, key])))})
                </span>{' '}
                {i > 0 && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    onClick={() => apply((d) => moveField(d, pageId, [...path, key], -1))}
                  >
                    {tr('Monter', 'Move up')}
                    <span className="sr-only"> « {childLabel} »</span>
                  </button>
                )}
                {i < keys.length - 1 && (
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
    </fieldset>
  );
}

function FileLimits({
  id,
  node,
  edit,
}: {
  id: string;
  node: Node;
  edit: (what: string, change: (n: Node, u: Node) => void) => void;
}) {
  const config = (node['x-file'] ?? {}) as { accept?: string[]; maxBytes?: number };
  const accept = config.accept ?? [];
  const toggle = (mime: string, on: boolean) =>
    edit('accept', (n) => {
      const x = { ...((n['x-file'] as Node | undefined) ?? {}) };
      const list = ((x.accept as string[] | undefined) ?? []).filter((m) => m !== mime);
      if (on) list.push(mime);
      if (list.length) x.accept = list;
      else delete x.accept;
      n['x-file'] = x;
    });
  return (
    <fieldset>
      <legend>{tr('Fichier', 'File')}</legend>
      <Check
        id={`${id}-pdf`}
        label="PDF"
        checked={accept.includes('application/pdf')}
        onChange={(on) => toggle('application/pdf', on)}
      />
      <Check
        id={`${id}-images`}
        label={tr('Images (JPEG, PNG…)', 'Images (JPEG, PNG…)')}
        checked={accept.includes('image/*')}
        onChange={(on) => toggle('image/*', on)}
      />
      <TextInput
        id={`${id}-taille`}
        numeric
        label={tr('Taille maximale (Mo)', 'Maximum size (MB)')}
        value={config.maxBytes ? String(Math.round((config.maxBytes / MB) * 10) / 10) : ''}
        onChange={(v) =>
          edit('maxBytes', (n) => {
            const x = { ...((n['x-file'] as Node | undefined) ?? {}) };
            const mb = Number(v.replace(',', '.'));
            setKeyword(x, 'maxBytes', v.trim() && Number.isFinite(mb) && mb > 0 ? Math.round(mb * MB) : undefined);
            n['x-file'] = x;
          })
        }
      />
    </fieldset>
  );
}

function OptionsEditor({
  id,
  node,
  ui,
  onChange,
  error,
}: {
  id: string;
  node: Node;
  ui: Node;
  onChange: (lines: string[]) => void;
  error?: string;
}) {
  const stored = optionsAt(node, ui)
    .map((o) => o.label)
    .join('\n');
  // What is being typed (a blank line to come) stays in the textarea; what is stored is the options.
  const [text, setText] = useState(stored);
  const [lastStored, setLastStored] = useState(stored);
  if (stored !== lastStored) {
    setLastStored(stored);
    if (
      text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n') !== stored
    )
      setText(stored);
  }
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{tr('Réponses proposées', 'Answers offered')}</label>
      <p className="hint" id={`${id}-aide`}>
        {tr('Une réponse par ligne.', 'One answer per line.')}
      </p>
      {error && (
        <p className="error-message" id={`${id}-erreur`}>
          {error}
        </p>
      )}
      <textarea
        id={id}
        rows={4}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-erreur ${id}-aide` : `${id}-aide`}
        onChange={(e) => {
          setText(e.target.value);
          onChange(e.target.value.split('\n'));
        }}
      />
    </div>
  );
}

/** The choices in words; a token the list does not know (written in the JSON) stays choosable as it is. */
function autocompleteOptions(current: string): Array<[string, string]> {
  const known: Array<[string, string]> = AUTOCOMPLETE.map(([token, words]) => [token, words()]);
  return known.some(([token]) => token === current) ? known : [...known, [current, current]];
}

export function TextInput({
  id,
  label,
  value,
  onChange,
  numeric,
  error,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  numeric?: boolean;
  /** Said under the label, tied to the input, which is marked invalid. */
  error?: string;
}) {
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {error && (
        <p className="error-message" id={`${id}-erreur`}>
          {error}
        </p>
      )}
      <input
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-erreur` : undefined}
        inputMode={numeric ? 'decimal' : undefined}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

function TextArea({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={2} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

export function Check({
  id,
  label,
  checked,
  onChange,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  return (
    <div className="choice">
      <input type="checkbox" id={id} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

function Select({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}
