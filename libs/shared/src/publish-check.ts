import type { JsonSchema, ServiceDefinition } from './definition';
import type { ErrorItem } from './errors';
import { branchUi, typeOf, uiText, widgetOf } from './field-model';
import { decodePointerSegment, toJsonPointer } from './json-pointer';

type Node = Record<string, unknown>;
type Path = Array<string | number>;

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);
const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';
/**
 * A key that reads as words (« profession », « Avez-vous des chiens ? »):
 * RJSF shows the key where there is no title, and forms written for it use
 * such keys as labels. A key made for a program (« texteCourt »,
 * « code_postal », « champ2 ») is not a label.
 */
const readsAsWords = (key: string) => /^\p{L}[\p{Ll}\p{M}\s'’,.;:?!()«»-]*$/u.test(key);
const MAX_PROBLEMS = 100;

/**
 * What would make a stored definition unusable for citizens, though it is a
 * valid draft: a field, group, block, page or choice without a label (the
 * citizen would read a key such as « texteCourt », and a screen reader
 * announce it), a choice with no answer to pick. Saving allows it (a form
 * is built in several sittings); publishing does not. Each problem points
 * where the studio shows it: the label of that field (`…/title`), the
 * choices of that field (`…/oneOf`), the title of that page.
 */
export function publishProblems(definition: ServiceDefinition): ErrorItem[] {
  const problems: ErrorItem[] = [];
  const push = (path: Path, code: string, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ pointer: toJsonPointer(path), code, message });
  };
  const root = definition.schema as JsonSchema;
  // A field the sign-in fills (a FranceConnect claim) needs no box to be answered.
  const prefills = (definition.settings?.prefill ?? []).map((p) => p.pointer);
  const prefilled = (key: string) =>
    prefills.some((p) => p.endsWith(`/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  /** A field whose schema says nothing of its answer (`{}`, a title alone): RJSF's UnsupportedField, drawn as nothing here. */
  const undrawable = (field: Node) =>
    typeOf(field) === undefined && !['oneOf', 'anyOf', 'allOf', 'if'].some((k) => k in field);

  const resolve = (node: unknown): Node | undefined => {
    let current = node;
    for (let i = 0; i < 10 && isNode(current) && typeof current.$ref === 'string'; i++) {
      const ref = current.$ref;
      if (!ref.startsWith('#/')) break;
      let target: unknown = root;
      for (const raw of ref.slice(2).split('/')) {
        const segment = decodePointerSegment(raw);
        target = isNode(target) && Object.prototype.hasOwnProperty.call(target, segment) ? target[segment] : undefined;
      }
      // A $ref beside a title keeps the title where it is written.
      if (!isNode(target)) break;
      current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== '$ref')) };
    }
    return isNode(current) ? current : undefined;
  };

  /** The fields of an object, those of its branches (`oneOf`/`anyOf`), and so on inside groups and list items. */
  const walk = (node: Node, path: Path, ui: Node, depth: number) => {
    if (depth > 16) return;
    const properties = node.properties;
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    if (isNode(properties))
      for (const [key, raw] of Object.entries(properties)) {
        const field = resolve(raw);
        if (!field) continue;
        const fieldUi = isNode(ui[key]) ? (ui[key] as Node) : {};
        const here = [...path, 'properties', key];
        if (widgetOf(fieldUi) === 'hidden') {
          if (required.has(key) && !('default' in field) && !('const' in field) && !prefilled(key))
            push(
              here,
              'required_not_drawn',
              `« ${labelOf(field, key)} » est obligatoire mais jamais affiché (« ui:widget »: « hidden ») et n’a pas de valeur par défaut : aucune demande ne pourrait être envoyée. Donnez-lui une valeur par défaut (« default »), affichez-le, ou retirez-le de « required ».`,
            );
          continue;
        }
        if (required.has(key) && undrawable(field))
          push(
            [...here, 'type'],
            'required_not_drawn',
            `« ${labelOf(field, key)} » est obligatoire mais ne dit pas quelle réponse il attend (ni « type », ni choix, ni champs) : Guichet, comme RJSF, ne peut pas le dessiner, et aucune demande ne pourrait être envoyée. Ajoutez-lui un « type » (par exemple « "type": "string" »), ou retirez-le de « required ».`,
          );
        checkField(field, here, fieldUi, key);
        walk(field, here, fieldUi, depth + 1);
        walkItems(field, here, fieldUi, depth);
      }
    walkBranches(node, path, ui, depth);
  };

  const walkItems = (node: Node, path: Path, ui: Node, depth: number) => {
    const items = node.type === 'array' ? resolve(node.items) : undefined;
    if (items && (isNode(items.properties) || branchesOf(items).length > 0))
      walk(items, [...path, 'items'], isNode(ui.items) ? ui.items : {}, depth + 1);
  };

  /**
   * A branch's fields are drawn once the citizen picks it (or a tool's `anyOf` matches the answers): they need a
   * label as much as the others. Each branch is read with the uiSchema the form draws it with (RJSF 6's list
   * `uiSchema.oneOf[i]`, else the field's own). A choice between values (`const` + `title`) is checked by `checkField`.
   */
  const walkBranches = (node: Node, path: Path, ui: Node, depth: number) => {
    for (const [keyword, list] of branchesOf(node))
      list.forEach((raw, i) => {
        const branch = resolve(raw);
        if (!branch || 'const' in branch) return;
        const here = [...path, keyword, i];
        const own = branchUi(ui, i) as Node;
        walk(branch, here, own, depth + 1);
        walkItems(branch, here, own, depth);
      });
  };

  const checkField = (field: Node, path: Path, ui: Node, key: string) => {
    if (blank(field.title) && blank(uiText(ui, 'title')) && !(field.title === undefined && readsAsWords(key))) {
      const what =
        field.type === 'object'
          ? { noun: 'Le groupe', reads: 'sa légende serait' }
          : field.type === 'array' && isNode(field.items) && isNode(resolve(field.items)?.properties)
            ? { noun: 'Le bloc répétable', reads: 'son titre serait' }
            : { noun: 'Le champ', reads: 'les usagers liraient' };
      push(
        [...path, 'title'],
        'missing_label',
        `${what.noun} « ${key} » n’a pas de libellé : ${what.reads} « ${key} ». Donnez-lui un libellé avant de publier.`,
      );
    }
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const list = field[keyword];
      if (!Array.isArray(list)) continue;
      // Choices are written { const, title }; alternatives of other shapes are not choices.
      list.forEach((option, i) => {
        if (isNode(option) && 'const' in option && 'title' in option && blank(option.title))
          push(
            [...path, keyword, i, 'title'],
            'missing_label',
            `La réponse ${i + 1} proposée par « ${labelOf(field, key)} » n’a pas de libellé.`,
          );
      });
    }
    const choices = field.type === 'array' ? resolve(field.items) : field;
    if (choices && Array.isArray(choices.enum) && choices.enum.length === 0)
      push(
        [...path, ...(choices === field ? [] : ['items']), 'enum'],
        'choice_without_options',
        `« ${labelOf(field, key)} » ne propose aucune réponse : ajoutez-en au moins une avant de publier.`,
      );
  };

  walk(root as Node, ['schema'], isNode(definition.uiSchema) ? (definition.uiSchema as Node) : {}, 0);
  definition.pages.forEach((page, p) => {
    if (blank(page.title))
      push(
        ['pages', p, 'title'],
        'missing_label',
        `L’étape ${p + 1} n’a pas de titre : c’est le titre de la page que lisent les usagers. Donnez-lui un titre avant de publier.`,
      );
  });
  return problems;
}

const labelOf = (field: Node, key: string) => (blank(field.title) ? key : String(field.title));

const branchesOf = (node: Node): Array<['oneOf' | 'anyOf', unknown[]]> =>
  (['oneOf', 'anyOf'] as const).flatMap((k) =>
    Array.isArray(node[k]) ? [[k, node[k] as unknown[]] as const] : [],
  ) as Array<['oneOf' | 'anyOf', unknown[]]>;
