import type { ServiceDefinition } from './definition';
import { asSchema, branchProperties } from './answer-branches';
import {
  fieldModel,
  globalOptionsOf,
  orderedKeys,
  propertySchema,
  topLevelKeys,
  uiChild,
  widgetOf,
  type FieldModel,
  type Schema,
  type Ui,
} from './field-model';
import { toJsonPointer } from './json-pointer';
import { plainText } from './markdown-text';

/** One answer field of a form, for the desk's columns and the exports. */
export interface AnswerField {
  pointer: string;
  /** With its groups: `Vos coordonnées — Adresse électronique` (plain text). */
  label: string;
  /** The field's own title (plain text). */
  title: string;
  model: FieldModel;
  /** A repeatable group or a list of free values: many answers in one field. */
  list: boolean;
}

/**
 * The form's answer fields in display order (pages, `ui:order`, the authored
 * order), groups flattened, the fields of conditional branches after their
 * object's own. A repeatable group is one field (`list`); it is not opened.
 */
export function answerFields(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema' | 'pages'>): AnswerField[] {
  const root = definition.schema as Schema;
  const rootUi = (definition.uiSchema ?? {}) as Ui;
  const global = globalOptionsOf(rootUi);
  const fields: AnswerField[] = [];
  const listed = new Set<string>();
  const visitObject = (schema: Schema, ui: Ui, pointer: string, prefix: string, depth: number) => {
    for (const child of orderedKeys(schema, ui))
      visit(
        propertySchema(schema, child),
        uiChild(ui, child),
        `${pointer}${toJsonPointer([child])}`,
        child,
        prefix,
        depth,
      );
    // A branch's field under the uiSchema the read-back gives it (its branch's, RJSF 6), so columns bear its label.
    for (const [child, sub, subUi] of branchProperties(
      root,
      schema,
      new Set(Object.keys(asSchema(schema.properties))),
      0,
      true,
      ui,
    ))
      visit(sub, subUi, `${pointer}${toJsonPointer([child])}`, child, prefix, depth);
  };
  const visit = (raw: Schema, ui: Ui, pointer: string, key: string, prefix: string, depth: number) => {
    if (listed.has(pointer) || depth > 32 || widgetOf(ui) === 'hidden') return;
    const model = fieldModel(root, raw, ui, pointer, key, false, [], global);
    const title = plainText(model.title);
    if (model.kind === 'object' || model.kind === 'alternatives') {
      listed.add(pointer);
      visitObject(model.schema, ui, pointer, `${prefix}${title} — `, depth + 1);
      return;
    }
    if (model.kind === 'unsupported' || model.kind === 'null') return;
    listed.add(pointer);
    fields.push({ pointer, label: `${prefix}${title}`, title, model, list: model.kind === 'array' });
  };
  for (const key of topLevelKeys(root, rootUi, definition.pages))
    visit(propertySchema(root, key), uiChild(rootUi, key), toJsonPointer([key]), key, '', 0);
  for (const [key, sub, subUi] of branchProperties(
    root,
    root,
    new Set(Object.keys(asSchema(root.properties))),
    0,
    true,
    rootUi,
  ))
    visit(sub, subUi, toJsonPointer([key]), key, '', 0);
  return fields;
}
