import { toJsonPointer, type ServiceDefinition } from '@guichet/shared';
import { valuesAt, widgetFields } from './widget-fields';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The widgets whose values come from a provider and record where they came from in a `provenance` property. */
export const LOOKUP_WIDGETS: readonly string[] = ['siret', 'rna', 'address', 'quotient-familial'];

function lookupWidget(ui: unknown): boolean {
  if (!isNode(ui)) return false;
  const options = isNode(ui['ui:options']) ? ui['ui:options'] : {};
  return [ui['ui:widget'], ui['ui:field'], options.widget].some(
    (name) => typeof name === 'string' && LOOKUP_WIDGETS.includes(name),
  );
}

export interface ProvenanceLine {
  pointer: string;
  /** The field's title (its key when it has none). */
  field: string;
  /** What the submit-time check recorded, e.g. « Répertoire Sirene (INSEE) » or « Saisie par l’usager, non vérifiée ». */
  provenance: string;
}

/**
 * Where the values of a request's lookup fields came from, as the submit-time
 * checks recorded them (after `checkSirets` and its siblings): one line per
 * field answered, for the request's history. Values themselves are not
 * repeated (they are in the answers); bounded for hostile definitions.
 */
export function provenanceLines(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
): ProvenanceLine[] {
  const lines: ProvenanceLine[] = [];
  for (const field of widgetFields(definition, lookupWidget, 50)) {
    const title =
      typeof field.schema.title === 'string' && field.schema.title.trim()
        ? field.schema.title.trim().slice(0, 200)
        : (field.path.filter((p) => p !== '*').at(-1) ?? '');
    for (const [path, value] of valuesAt(data, field.path).slice(0, 20)) {
      if (!isNode(value) || typeof value.provenance !== 'string' || value.provenance.trim() === '') continue;
      lines.push({ pointer: toJsonPointer(path), field: title, provenance: value.provenance.trim().slice(0, 200) });
    }
  }
  return lines;
}

/** The lines as the history's comment: « Titre : provenance », one per line; null when there is none. */
export function provenanceComment(lines: readonly ProvenanceLine[]): string | null {
  return lines.length ? lines.map((l) => `${l.field} : ${l.provenance}`).join('\n') : null;
}
