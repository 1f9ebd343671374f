/**
 * What the studio's lookup fields share (SIRET: siretField.ts, RNA: rnaField.ts, family quotient: quotientField.ts):
 * the values each fills, read from its schema, and which of them the designer locks (`ui:options.locked`).
 */
import { obj, type Node } from './definitionPaths';

/** The values a lookup field fills, in order, with their default labels. */
export type LookupValues = Array<[name: string, label: () => string]>;

/** The values a lookup field fills (those its schema has), each with its label. */
export type ValuesOf = (node: Node) => Array<{ name: string; label: string }>;

/** Reads, of the values a field may fill, those its schema has; the label is the value's own title when it has one. */
export function valuesOf(values: LookupValues): ValuesOf {
  return (node) => {
    const properties = obj(node.properties);
    return values
      .filter(([name]) => name in properties)
      .map(([name, label]) => {
        const title = obj(properties[name]).title;
        return { name, label: typeof title === 'string' && title.trim() ? title : label() };
      });
  };
}

/** The locked values: `ui:options.locked` `true` (every value the field fills) or a list of names. */
export function lockedValues(node: Node, ui: Node, fills: ValuesOf): string[] {
  const locked = obj(ui['ui:options']).locked;
  const names = fills(node).map((v) => v.name);
  if (locked === true) return names;
  return Array.isArray(locked) ? names.filter((name) => locked.includes(name)) : [];
}

/** Locks or unlocks one value; always written as a list (none locked: no `locked`, no empty `ui:options`). */
export function setLocked(node: Node, ui: Node, name: string, on: boolean, fills: ValuesOf): void {
  const list = lockedValues(node, ui, fills).filter((n) => n !== name);
  if (on) list.push(name);
  const order = fills(node).map((v) => v.name);
  const options = { ...obj(ui['ui:options']) };
  if (list.length) options.locked = order.filter((n) => list.includes(n));
  else delete options.locked;
  if (Object.keys(options).length) ui['ui:options'] = options;
  else delete ui['ui:options'];
}
