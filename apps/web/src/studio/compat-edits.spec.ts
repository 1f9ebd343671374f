/**
 * A designer edits a form written by others, and nothing else changes. Every
 * form of the compatibility corpus (test/fixtures/compat) goes through what
 * the import stores; the studio opens that draft as it is (Editor.tsx hands
 * `view.draft` to the history untouched) and its autosave PUTs the edited
 * definition as it is (useWorkbenchSave.ts), which the server checks and
 * stores as sent. So the saved draft is the studio's edit function applied to
 * the imported one: for each field the studio lists (a page's fields, the
 * fields of the groups and repeatable blocks it opens) its « Libellé » is
 * renamed, and for each page its title; the result must be the import with
 * that one edit made by hand, compared as JSON text (every key and its order,
 * at every level), the server must accept it, and the studio must show the
 * new name. The studio must list every field the form draws, in groups and
 * list items kept in `$defs` (an edit there edits the definition, every
 * `$ref` left as written), in tuples (a place's uiSchema in the tuple's
 * `items` list), and those declared in `oneOf`/`anyOf` branches, `allOf`
 * parts, `then`/`else` and dependencies (edited where declared, their
 * uiSchema the group's entry for their key, or their branch's in RJSF 6's
 * `uiSchema.oneOf[i]`).
 */
import type { ServiceDefinition } from '@guichet/shared';
import {
  declaredFields,
  draftSaveProblems,
  heldBy,
  importCompatForm,
  loadCorpus,
  placeOf,
  placesOf,
  typeIs,
} from '../../../../test/support/compat-imported';
import { studioFields } from '../../../../test/support/studio-fields';
import { declarationAt, labelAt, sharedGroupOf, updatePage, type Path } from './definition';
import { renameField } from './fieldEdits';

type Json = Record<string, unknown>;
const LABEL = 'Libellé renommé par la conceptrice';
const PAGE_TITLE = 'Étape renommée';

/** The import refuses these forms (test/e2e/compat-corpus.test.ts says why): the studio never opens them. */
const REFUSED = ['enum-objects', 'pydantic-aide-decimal', 'situation-famille-recursive'];

const copy = (def: ServiceDefinition): Json => JSON.parse(JSON.stringify(def)) as Json;

/**
 * Every field inside the form's groups, lists and tuples, found by hand: properties, list items, tuple places,
 * through `$ref`s, a recursive group opened once. What the studio must list.
 */
function drawnFields(definition: Json): string[] {
  const out: string[] = [];
  const walk = (path: string[], node: Json, opened: Json[]) => {
    out.push(path.join('/'));
    const held = heldBy(definition, node);
    const places = placesOf(held);
    const listed = typeIs(held, 'array') && !places ? heldBy(definition, (held.items ?? {}) as Json) : held;
    // A group's fields: its own and those its branches and parts declare (a group of `allOf` parts has no `type`).
    const fields = declaredFields(definition, listed);
    const group = typeIs(listed, 'object') || (listed.type === undefined && fields.size > 0);
    const tuple = placesOf(listed);
    const inner = tuple ? Object.entries(tuple) : group ? [...fields].map(([k, f]) => [k, f.node] as const) : [];
    if (inner.length === 0 || opened.includes(listed)) return;
    for (const [key, child] of inner) walk([...path, key], child as Json, [...opened, listed]);
  };
  const root = heldBy(definition, definition.schema as Json);
  const rootFields = declaredFields(definition, root);
  const pages = definition.pages as Array<{ fields: string[] }>;
  for (const page of pages) for (const key of page.fields) walk([key], rootFields.get(key)!.node, [root]);
  // The root's fields on no page (a branch or part brings them): the form draws them too.
  const onPages = new Set(pages.flatMap((p) => p.fields));
  for (const [key, field] of rootFields) if (!onPages.has(key)) walk([key], field.node, [root]);
  return out;
}

/** The listing grouped by top-level field, in key order: where the root's branch fields go is FieldsColumn's choice. */
const byTopField = (list: string[]) =>
  [...list].sort((a, b) => {
    const [x, y] = [a.split('/')[0]!, b.split('/')[0]!];
    return x < y ? -1 : x > y ? 1 : 0;
  });

/** Whether `path` is a place of a tuple (its parent, or its parent's list item, is one), read by hand. */
function inTupleByHand(definition: Json, path: Path): boolean {
  if (path.length < 2) return false;
  const held = heldBy(definition, placeOf(definition, path.slice(0, -1)).node);
  const item = typeIs(held, 'array') && !placesOf(held) ? heldBy(definition, (held.items ?? {}) as Json) : held;
  return placesOf(item) !== undefined;
}

const corpus = loadCorpus();
/** What the edits below reached across the corpus: fields, fields of a group kept in `$defs`, places of tuples. */
/**
 * On this corpus: 280 of the 1,137 fields listed are in a group kept in `$defs` (158 of 856 before the fields of
 * branches and parts were listed), 28 are places of tuples, 173 are declared in a branch or part (`oneOf`/`anyOf`,
 * `allOf`, `then`/`else`, dependencies).
 */
const SHARED_FIELDS = 280;
const TUPLE_PLACES = 28;
const BRANCH_FIELDS = 173;
const reached = { fields: 0, shared: 0, tuplePlaces: 0, branch: 0 };

describe('the studio edits a form written elsewhere and changes nothing else', () => {
  it('reads the whole corpus; the forms left out are those the import refuses', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(77);
    const left = corpus.filter((form) => REFUSED.includes(form.name));
    expect(left.map((form) => [form.name, 'refused' in importCompatForm(form)])).toEqual(
      REFUSED.map((name) => [name, true]),
    );
  });

  const opened = corpus.filter((form) => !REFUSED.includes(form.name));
  it.each(opened.map((form) => [form.name, form] as const))(
    '%s: one label or one page title renamed, the rest saved as imported',
    (_name, form) => {
      const imported = importCompatForm(form);
      if (!('definition' in imported)) throw new Error(`import refusé : ${JSON.stringify(imported.refused)}`);
      const def = imported.definition;
      const before = JSON.stringify(def);
      const faults: string[] = [];

      const fields = studioFields(def);
      expect(fields.length).toBeGreaterThan(0);
      // The studio lists every field the form draws: in groups and lists kept in `$defs`, in tuples.
      expect(byTopField(fields.map((p) => p.join('/')))).toEqual(byTopField(drawnFields(copy(def))));
      reached.fields += fields.length;
      reached.branch += fields.filter((path) => (declarationAt(def, path)?.route.length ?? 0) > 0).length;
      reached.shared += fields.filter((path) => sharedGroupOf(def, path)).length;
      reached.tuplePlaces += fields.filter((path) => inTupleByHand(copy(def), path)).length;
      // Every edit alone against the import, and all of them one after the other (the save the server checks).
      let all = def;
      const allExpected = copy(def);
      for (const path of fields) {
        const edited = renameField(def, path, LABEL);
        all = renameField(all, path, LABEL);
        const where = `/${path.join('/')}`;
        const expected = copy(def);
        for (const target of [expected, allExpected]) {
          // By hand: the label the form shows is the uiSchema's `ui:title` when it has one, else its
          // `ui:options.title` (RJSF's getUiOptions), else `title`.
          const { node, ui } = placeOf(target, path);
          const options = ui?.['ui:options'] as Json | undefined;
          if (ui && typeof ui['ui:title'] === 'string') ui['ui:title'] = LABEL;
          else if (options && typeof options === 'object' && typeof options.title === 'string') options.title = LABEL;
          else node.title = LABEL;
        }
        if (JSON.stringify(edited) !== JSON.stringify(expected)) faults.push(`${where}: ${diff(expected, edited)}`);
        if (labelAt(edited, path) !== LABEL) faults.push(`${where}: the studio shows « ${labelAt(edited, path)} »`);
      }
      for (const page of def.pages) {
        const edited = updatePage(def, page.id, { title: PAGE_TITLE });
        all = updatePage(all, page.id, { title: PAGE_TITLE });
        const expected = copy(def);
        for (const target of [expected, allExpected])
          (target.pages as Json[]).find((p) => p.id === page.id)!.title = PAGE_TITLE;
        if (JSON.stringify(edited) !== JSON.stringify(expected))
          faults.push(`page ${page.id}: ${diff(expected, edited)}`);
      }
      if (JSON.stringify(all) !== JSON.stringify(allExpected)) faults.push(`all edits: ${diff(allExpected, all)}`);
      const refused = draftSaveProblems(all);
      if (refused.length) faults.push(`save refused: ${JSON.stringify(refused)}`);

      // The edits are pure: the imported draft, which the editor keeps for undo, is untouched.
      expect(JSON.stringify(def)).toBe(before);
      expect(faults).toEqual([]);
    },
  );

  it('reached the fields of groups kept in `$defs`, the places of tuples and the fields of branches', () => {
    // Counted on this corpus: a form that loses them (or a studio that stops listing them) shows here.
    expect(reached.shared).toBeGreaterThanOrEqual(SHARED_FIELDS);
    expect(reached.tuplePlaces).toBeGreaterThanOrEqual(TUPLE_PLACES);
    expect(reached.branch).toBeGreaterThanOrEqual(BRANCH_FIELDS);
  });
});

/** The first place where the two JSON texts part, with a little context. */
function diff(expected: unknown, actual: unknown): string {
  const a = JSON.stringify(expected);
  const b = JSON.stringify(actual);
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `expected …${a.slice(Math.max(0, i - 60), i + 60)}… got …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}
