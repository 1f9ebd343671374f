import { createContext, memo, useContext, useEffect, useMemo } from 'react';
import { encodePointerSegment, freeEntryUi, plainText, specialWidgetOf, uiText, widgetOf } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import {
  alternativeTitle,
  ownAlternativeTitle,
  branchUi,
  fieldModel,
  hasAlternatives,
  idOf,
  isRequired,
  orderedKeys,
  propertySchema,
  typeOf,
  uiChild,
  type FieldModel,
  type Schema,
  type Ui,
} from './model';
import { BranchChoice, useBranches } from './branch-choice';
import { ErrorMessage, Required } from './field-parts';
import { BooleanField, ChoiceField, SelectField } from './choice-fields';
import { SpecialField } from './special-fields';
import { extraAllowed, keysToDraw, useEffectiveSchema } from './effective-schema';
import { LazyFileField } from './lazy-file-fields';
import { NullField } from './null-field';
import { RichText } from './RichText';
import { TextField } from './text-field';
import { useDrawn, useFieldError, useHidden } from './store';
import { useRepeat } from './use-repeat';
import { useAdditionalEntries } from './use-additional-entries';

export { focusTargetOf } from './focus-target';
export { withMinimumItems } from './minimum-items';

/**
 * The fields of an object (the whole form, a page, a group or a repeated
 * item), in order, with its conditions decided and, when it offers a choice
 * of branches (`oneOf`/`anyOf`), the choice and the chosen branch's fields.
 * Memoised: the page around a step re-renders on every save status and on a
 * failed step's summary, and 300 fields' elements and comparisons cost
 * milliseconds (issue 22); each field follows the store on its own.
 */
export const Fields = memo(function Fields({
  schema,
  ui,
  base,
  keys,
}: {
  schema: Schema;
  ui: Ui;
  base: string;
  keys?: string[];
}) {
  const { pageKeys, store } = useForm();
  // A group's or an item's own errors (« au moins un des champs ») are on the step that draws it; the root's are on
  // the step of its choice of branches (below), if it has one, else on the review page.
  useDrawn(store, base, false, base !== '');
  const effective = useEffectiveSchema(schema, base);
  const list = useMemo(() => keysToDraw(effective, ui, keys, pageKeys), [effective, ui, keys, pageKeys]);
  // A root's choice of branches is drawn on the page of its last field.
  const ordered = keys ? orderedKeys(effective, ui) : [];
  // What belongs to the object as a whole (a choice of branches, free entries) is drawn on the page of its last field.
  const lastPage = !keys || ordered.length === 0 || keys.includes(ordered[ordered.length - 1]!);
  const alternativesHere = hasAlternatives(effective) && lastPage;
  return (
    <>
      {list.map((key) => (
        <SchemaField
          key={key}
          pointer={`${base}/${encodePointerSegment(key)}`}
          name={key}
          schema={propertySchema(effective, key)}
          ui={uiChild(ui, key)}
          required={isRequired(effective, key)}
        />
      ))}
      {lastPage && extraAllowed(effective) && <AdditionalProperties schema={effective} ui={ui} pointer={base} />}
      {alternativesHere && (
        <Alternatives
          schema={effective}
          ui={ui}
          pointer={base}
          title={uiText(ui, 'title') ?? tr('Choisissez une option', 'Choose an option')}
          required
          embedded
        />
      )}
    </>
  );
});

/**
 * A group or list drawn read-only or disabled (`ui:readonly`, `readOnly`, `ui:disabled`): RJSF passes `readonly`
 * and `disabled` down to every field inside, so none of them can be changed.
 */
const Inherited = createContext<{ readOnly: boolean; disabled: boolean }>({ readOnly: false, disabled: false });

interface FieldProps {
  pointer: string;
  name: string;
  schema: Schema;
  ui: Ui;
  required: boolean;
}

export const SchemaField = memo(function SchemaField({ pointer, name, schema, ui, required }: FieldProps) {
  const { store, root, prefill, globalOptions } = useForm();
  const hidden = useHidden(store, pointer);
  const inherited = useContext(Inherited);
  const model = useMemo(() => {
    const own = fieldModel(root, schema, ui, pointer, name, required, prefill, globalOptions);
    return inherited.readOnly || inherited.disabled
      ? { ...own, readOnly: own.readOnly || inherited.readOnly, disabled: own.disabled || inherited.disabled }
      : own;
  }, [root, schema, ui, pointer, name, required, prefill, globalOptions, inherited]);
  const shown = !hidden && widgetOf(ui) !== 'hidden' && model.kind !== 'unsupported';
  useDrawn(store, pointer, drawnWhole(model, ui), shown);
  // Pydantic's `Optional[X]` without a default is required, and null fits it: drawn as optional, it is null until
  // answered (left untouched, it would be missing).
  useEffect(() => {
    if (shown && model.optionalNull && required && store.get(pointer) === undefined) store.set(pointer, null);
  }, [shown, model, required, store, pointer]);
  if (!shown) return null;
  const field = drawField(model, ui, pointer, name, required);
  const fixed =
    (model.readOnly || model.disabled) &&
    (model.kind === 'object' || model.kind === 'array' || model.kind === 'alternatives');
  return fixed && (model.readOnly !== inherited.readOnly || model.disabled !== inherited.disabled) ? (
    <Inherited.Provider value={{ readOnly: model.readOnly, disabled: model.disabled }}>{field}</Inherited.Provider>
  ) : (
    field
  );
});

/** A field that draws its answer itself, parts included (a text, boxes, a commune), not through fields of its own. */
function drawnWhole(model: FieldModel, ui: Ui): boolean {
  if (model.kind === 'object') return specialWidgetOf(ui) !== null;
  return model.kind !== 'array' && model.kind !== 'alternatives';
}

function drawField(model: FieldModel, ui: Ui, pointer: string, name: string, required: boolean) {
  switch (model.kind) {
    case 'object': {
      // SIRET, RNA, quotient familial, address, commune: loaded only for the forms that use them.
      const widget = specialWidgetOf(ui);
      return widget ? <SpecialField widget={widget} model={model} /> : <ObjectField model={model} />;
    }
    case 'array':
      return <ArrayField model={model} />;
    case 'radio':
      return <ChoiceField model={model} multiple={false} />;
    case 'checkboxes':
      return <ChoiceField model={model} multiple />;
    case 'select':
      return <SelectField model={model} />;
    case 'boolean':
      return <BooleanField model={model} />;
    case 'file':
      return <LazyFileField model={model} multiple={false} />;
    case 'files':
      return <LazyFileField model={model} multiple />;
    case 'alternatives':
      return (
        <Alternatives
          schema={model.schema}
          ui={ui}
          pointer={pointer}
          title={model.title}
          hint={model.help ?? model.description}
          required={required}
          name={name}
        />
      );
    case 'null':
      return <NullField model={model} />;
    case 'unsupported':
      return null;
    default:
      return <TextField model={model} />;
  }
}

/**
 * A choice between branches (`oneOf`/`anyOf` of schemas), as RJSF draws it:
 * the choice first — radios in a fieldset whose legend is the question, or a
 * labelled list past six branches — then the chosen branch's fields at the
 * same place in the answers. Switching keeps what still applies (RJSF's
 * `sanitizeDataForNewSchema`) and fills the new branch's defaults.
 */
function Alternatives({
  schema,
  ui,
  pointer,
  title,
  hint,
  required,
  name,
  embedded = false,
}: {
  schema: Schema;
  ui: Ui;
  pointer: string;
  title: string;
  /** The field's help, else its description: RJSF's field template draws them around the whole choice. */
  hint?: string;
  required: boolean;
  name?: string;
  /** The choice of an object that also has fields of its own (drawn by the caller). */
  embedded?: boolean;
}) {
  const { store, semantics } = useForm();
  // Drawn by its field (SchemaField) when it is one; the root's choice, drawn on the page of its last field, here.
  useDrawn(store, pointer, false, embedded);
  // Inside a group drawn read-only or disabled (or itself so), the choice cannot be changed either, as in RJSF.
  const inherited = useContext(Inherited);
  const { branches, value, selected, choose } = useBranches(schema, pointer);
  const id = `${idOf(pointer)}-branche`;
  const error = useFieldError(store, pointer);
  const branch = useMemo(() => branches[selected] ?? {}, [branches, selected]);
  const effective = useMemo(
    () => (semantics ? semantics.retrieve(branch, value ?? (typeOf(branch) === 'object' ? {} : undefined)) : branch),
    [semantics, branch, value],
  );
  const labels = branches.map((b, i) => plainText(alternativeTitle(b, ui, i)));
  // RJSF 6: the chosen branch's own uiSchema (`uiSchema.oneOf[i]`) for its fields, else the field's.
  const fieldsUi = branchUi(ui, selected);
  const objectBranch = typeOf(effective) === 'object' || effective.properties !== undefined;
  return (
    <div className={`alternatives${embedded ? ' alternatives--embedded' : ''}`} data-pointer={pointer}>
      <BranchChoice
        id={id}
        pointer={pointer}
        title={title}
        // A value's or a null branch is drawn as a field with the same uiSchema, which draws the hint itself.
        hint={objectBranch ? hint : undefined}
        required={required}
        labels={labels}
        selected={selected}
        choose={choose}
        locked={inherited.readOnly || inherited.disabled}
      />
      {error && !objectBranch && <ErrorMessage id={idOf(pointer)} message={error.message} />}
      {objectBranch ? (
        <Fields schema={effective} ui={fieldsUi} base={pointer} />
      ) : (
        <SchemaField
          pointer={pointer}
          name={name ?? labels[selected] ?? ''}
          // A branch without a title of its own (RJSF's « Option 2 ») names its answer with the choice's title: the
          // field's label is its accessible name, and « Option 2 » says nothing of what to type.
          schema={{ ...effective, title: effective.title ?? ownAlternativeTitle(branch, ui, selected) ?? title }}
          ui={fieldsUi}
          required={required}
        />
      )}
    </div>
  );
}

/**
 * Free entries: each one a name and an answer, in a fieldset whose legend is
 * the name; « Ajouter une rubrique » adds one, « Retirer » takes it out. The
 * name is applied when the citizen leaves its box (or presses Entrée), so the
 * answer's field is not rebuilt at each keystroke.
 */
function AdditionalProperties({ schema, ui, pointer }: { schema: Schema; ui: Ui; pointer: string }) {
  // RJSF's ObjectField gives every entry the uiSchema's `additionalProperties` (a group's `ui:order`, a widget).
  const entryUi = freeEntryUi(ui);
  const { id, entryFor, extras, announce, add, rename, remove } = useAdditionalEntries(schema, pointer);
  return (
    <div className="additional" id={id}>
      {extras.map((name) => {
        const entry = entryFor(name);
        return (
          <fieldset className="group item" key={name} data-pointer={`${pointer}/${encodePointerSegment(name)}`}>
            <legend>{name}</legend>
            <div className="field">
              <label htmlFor={`${id}-${name}-nom`}>{tr('Nom de la rubrique', 'Name of the entry')}</label>
              <input
                id={`${id}-${name}-nom`}
                type="text"
                defaultValue={name}
                autoComplete="off"
                onBlur={(e) => {
                  if (!rename(name, e.currentTarget.value)) e.currentTarget.value = name;
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    e.currentTarget.blur();
                  }
                }}
              />
            </div>
            <SchemaField
              pointer={`${pointer}/${encodePointerSegment(name)}`}
              name={name}
              schema={{ ...entry, title: typeof entry.title === 'string' ? entry.title : name }}
              ui={entryUi}
              required={false}
            />
            <button type="button" className="button button--secondary" onClick={() => remove(name)}>
              {tr('Retirer', 'Remove')} « {name} »
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="button button--secondary" id={`${id}-ajouter`} onClick={add}>
        {tr('Ajouter une rubrique', 'Add an entry')}
      </button>
      <p className="sr-only" role="status">
        {announce}
      </p>
    </div>
  );
}

const ObjectField = memo(function ObjectField({ model }: { model: FieldModel }) {
  const { store } = useForm();
  const error = useFieldError(store, model.pointer);
  const id = idOf(model.pointer);
  return (
    <fieldset
      className={`group${error ? ' field--error' : ''}`}
      id={id}
      tabIndex={-1}
      data-pointer={model.pointer}
      aria-describedby={error ? `${id}-erreur` : undefined}
    >
      <legend>{plainText(model.title)}</legend>
      {model.description && <RichText className="hint" text={model.description} />}
      <ErrorMessage id={id} message={error?.message} />
      <Fields schema={model.schema} ui={model.ui} base={model.pointer} />
    </fieldset>
  );
});

/**
 * A repeatable block: one fieldset per item, numbered, with add and remove
 * buttons. Items may be groups, single answers or choices of branches; a
 * tuple (`prefixItems`) shows its fixed items, which cannot be removed.
 */
const ArrayField = memo(function ArrayField({ model }: { model: FieldModel }) {
  const { id, error, tuple, length, itemTitle, max, min, keys, announce, groupId, schemaAt, uiAt, add, remove } =
    useRepeat(model);
  // Read-only or disabled (its own uiSchema, or a group around it): no item added or removed, as in RJSF.
  const fixed = model.readOnly || model.disabled;
  return (
    <fieldset
      className="group repeat"
      id={id}
      tabIndex={-1}
      data-pointer={model.pointer}
      aria-describedby={error ? `${id}-erreur` : undefined}
    >
      <legend>
        {model.title}
        <Required on={model.required} />
      </legend>
      {model.description && <RichText className="hint" text={model.description} />}
      <ErrorMessage id={id} message={error?.message} />
      {keys.current.map((key, i) => {
        const schema = schemaAt(i);
        const ownUi = uiAt(i);
        const title = plainText(
          uiText(ownUi, 'title') ?? (typeof schema.title === 'string' ? schema.title : itemTitle),
        );
        const removable = !fixed && model.removable && length > min && i >= tuple;
        const removeButton = removable && (
          <button type="button" className="button button--secondary" onClick={() => remove(i)}>
            {tr('Retirer', 'Remove')} « {title} {i + 1} »
          </button>
        );
        if (typeOf(schema) === 'object' || schema.properties !== undefined)
          return (
            <fieldset className="group item" key={key} id={`${id}-${i}`} aria-labelledby={`${groupId}-${i}`}>
              <legend id={`${groupId}-${i}`}>
                {title} {i + 1}
              </legend>
              <Fields schema={schema} ui={uiAt(i)} base={`${model.pointer}/${i}`} />
              {removeButton}
            </fieldset>
          );
        // The item's own `ui:title` would win over the numbered title: numbered there too, so that no two
        // answers of the list bear the same label.
        const numbered = `${title} ${i + 1}`;
        return (
          <div className="item item--single" key={key} id={`${id}-${i}`}>
            <SchemaField
              pointer={`${model.pointer}/${i}`}
              name={numbered}
              schema={{ ...schema, title: numbered }}
              ui={uiText(ownUi, 'title') !== undefined ? { ...ownUi, 'ui:title': numbered } : ownUi}
              required={i < tuple}
            />
            {removeButton}
          </div>
        );
      })}
      {/* Below its minimum a list can always be filled, `addable: false` or not (RJSF opens those items itself). */}
      {!fixed && (model.addable || length < min) && length < max && (
        <button type="button" className="button button--secondary" id={`${id}-ajouter`} onClick={add}>
          {tr('Ajouter', 'Add')} : {itemTitle.toLowerCase()}
        </button>
      )}
      <p className="sr-only" role="status">
        {announce}
      </p>
    </fieldset>
  );
});
