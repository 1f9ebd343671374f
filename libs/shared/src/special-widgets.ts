import { isAddressUi } from './address-field';
import { isQuotientUi } from './quotient-field';
import { isRnaUi } from './rna-field';
import { isSiretUi } from './siret-field';

/**
 * Guichet's own fields that draw an object as one answer with a lookup (issue 23): each is a chunk of its own in
 * the web app, loaded only for a definition that uses it (apps/web/src/form/special-fields.tsx), and the API
 * preloads the chunks a service's page needs (apps/api/src/web/web-app.ts).
 */
export const SPECIAL_WIDGETS = ['siret', 'rna', 'quotient', 'address', 'commune'] as const;
export type SpecialWidget = (typeof SPECIAL_WIDGETS)[number];

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a uiSchema node draws its object as a commune field (`ui:widget`, `ui:field` or `ui:options.widget`). */
export function isCommuneUi(ui: unknown): boolean {
  if (!isNode(ui)) return false;
  const options = isNode(ui['ui:options']) ? ui['ui:options'] : {};
  return [ui['ui:widget'], ui['ui:field'], options.widget].includes('commune');
}

const MATCHERS: ReadonlyArray<readonly [SpecialWidget, (ui: unknown) => boolean]> = [
  ['siret', isSiretUi],
  ['rna', isRnaUi],
  ['quotient', isQuotientUi],
  ['address', isAddressUi],
  ['commune', isCommuneUi],
];

/** The special field a uiSchema node asks for (for an object), first match in `SPECIAL_WIDGETS`' order; else null. */
export function specialWidgetOf(ui: unknown): SpecialWidget | null {
  if (!isNode(ui)) return null;
  for (const [widget, matches] of MATCHERS) if (matches(ui)) return widget;
  return null;
}

/** Nodes looked at in a uiSchema at most: a definition's is bounded by its own size limit, this by far more. */
const MAX_NODES = 100_000;

/**
 * The special fields a definition's uiSchema may draw, in `SPECIAL_WIDGETS`' order. Every node of the uiSchema is
 * read (properties, list items, branches' `oneOf`/`anyOf` uiSchemas…), whatever its place: one more widget than
 * drawn costs a few kB loaded for nothing, one less a field drawn late.
 */
export function specialWidgetsOf(uiSchema: unknown): SpecialWidget[] {
  const found = new Set<SpecialWidget>();
  const stack: unknown[] = [uiSchema];
  for (let seen = 0; stack.length > 0 && seen < MAX_NODES && found.size < SPECIAL_WIDGETS.length; seen++) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (isNode(node)) {
      const widget = specialWidgetOf(node);
      if (widget) found.add(widget);
      for (const value of Object.values(node)) if (value !== null && typeof value === 'object') stack.push(value);
    }
  }
  return SPECIAL_WIDGETS.filter((w) => found.has(w));
}
