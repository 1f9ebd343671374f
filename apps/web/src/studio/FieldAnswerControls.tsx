import { tr } from '../lib/i18n';
import { optionsEditable, setKeyword, setOptions, setUiText, uiTextOf, type FieldType, type Node } from './definition';
import { Select, TextInput } from './FieldControls';
import { FORMATS, OptionsEditor, autocompleteOptions } from './FieldKindEditors';

/** An edit of the selected field, named for the announcement (`what`): the change to its schema and its uiSchema. */
export type FieldEdit = (what: string, change: (node: Node, ui: Node) => void) => void;

const num = (text: string) => (text.trim() === '' ? undefined : Number(text.replace(',', '.')));
const numeric = (t: unknown) => t === 'integer' || t === 'number';

/**
 * What the answer to the selected field may be: a text's or a number's placeholder, bounds, format and autofill, a
 * choice's proposed answers and how they are shown. `node` is what the field means (its `$ref` followed), `own` the
 * field as written at its place.
 */
export function AnswerControls({
  id,
  node,
  own,
  ui,
  type,
  sharedId,
  optionsError,
  edit,
}: {
  id: string;
  node: Node;
  own: Node;
  ui: Node;
  type: FieldType;
  sharedId?: string;
  optionsError?: string;
  edit: FieldEdit;
}) {
  // The text and number controls write keywords beside the field's own `type`: offered where that type says it (a
  // list of types with `null` keeps its `null`), not on Pydantic's `Optional[X]`, whose X is in a branch.
  const isText =
    node.type === 'string' && type !== 'file' && !node['x-file'] && !node.oneOf && !node.anyOf && !node.enum;
  const isNumber =
    numeric(node.type) ||
    (Array.isArray(node.type) && node.type.some(numeric) && node.type.every((t) => numeric(t) || t === 'null'));
  const isChoice = type === 'radio' || type === 'select' || type === 'checkboxes';
  /** A number the answer is held to (a length or a value), written beside the field's `type`. */
  const bound = (keyword: 'minLength' | 'maxLength' | 'minimum' | 'maximum', label: string) => (
    <TextInput
      id={`${id}-${keyword.toLowerCase()}`}
      numeric
      describedBy={sharedId}
      label={label}
      value={String(node[keyword] ?? '')}
      onChange={(v) => edit(keyword, (n) => setKeyword(n, keyword, num(v)))}
    />
  );
  return (
    <>
      {(isText || isNumber) && (
        <TextInput
          id={`${id}-placeholder`}
          label={tr('Texte indicatif (placeholder)', 'Placeholder')}
          value={uiTextOf(ui, 'placeholder') ?? ''}
          onChange={(v) => edit('placeholder', (_n, u) => void setUiText(u, 'placeholder', v))}
        />
      )}
      {isText && type !== 'date' && type !== 'time' && (
        <div className="studio-pair">
          {bound('minLength', tr('Longueur minimale', 'Minimum length'))}
          {bound('maxLength', tr('Longueur maximale', 'Maximum length'))}
        </div>
      )}
      {isNumber && (
        <div className="studio-pair">
          {bound('minimum', tr('Minimum', 'Minimum'))}
          {bound('maximum', tr('Maximum', 'Maximum'))}
        </div>
      )}
      {isText && (
        <Select
          id={`${id}-format`}
          label={tr('Format attendu', 'Expected format')}
          describedBy={sharedId}
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
      {isChoice && typeof own.$ref === 'string' && (
        <p className="hint">
          {tr(
            'Les réponses proposées viennent d’une définition réutilisée par référence ($ref) : modifiez-les dans l’onglet JSON.',
            'The proposed answers come from a definition reused by reference ($ref): change them in the JSON tab.',
          )}
        </p>
      )}
      {isChoice && typeof own.$ref !== 'string' && !optionsEditable(own) && (
        <p className="hint">
          {tr(
            'Les réponses proposées sont écrites d’une façon que ce panneau ne modifie pas sans risque (nombres, anyOf, valeur nulle, référence) : modifiez-les dans l’onglet JSON.',
            'The proposed answers are written in a way this panel cannot safely change (numbers, anyOf, null value, reference): change them in the JSON tab.',
          )}
        </p>
      )}
      {isChoice && typeof own.$ref !== 'string' && optionsEditable(own) && (
        <OptionsEditor
          id={`${id}-options`}
          node={node}
          ui={ui}
          error={optionsError}
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
    </>
  );
}
