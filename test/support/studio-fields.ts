/**
 * The fields the studio lets a designer select in a definition, walked as the studio lists them: for the unit specs
 * that check the studio against every form of the compatibility corpus (compat-edits.spec.ts, compat-kinds.spec.ts).
 */
import type { ServiceDefinition } from '@guichet/shared';
import {
  childKeys,
  containerOf,
  holdsFields,
  pageFieldKeys,
  type Node,
  type Path,
} from '../../apps/web/src/studio/definition';

/**
 * Every field the studio lets the designer select: the pages' fields, then what FieldPanel's « Champs de ce bloc »
 * lists, level after level (a recursive group is opened once: its next level lists the same fields).
 */
export function studioFields(def: ServiceDefinition): Path[] {
  const out: Path[] = [];
  const walk = (path: Path, opened: Node[]) => {
    out.push(path);
    if (!holdsFields(def, path)) return;
    const inner = containerOf(def, path);
    if (opened.includes(inner)) return;
    for (const key of childKeys(def, path)) walk([...path, key], [...opened, inner]);
  };
  // A page lists its fields and, after each, those on no page that a branch or part of the root brings (FieldsColumn).
  for (const page of def.pages) for (const key of pageFieldKeys(def, page.id)) walk([key], [containerOf(def, [])]);
  return out;
}
