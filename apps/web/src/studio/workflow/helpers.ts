/**
 * Pure helpers of the workflow and settings editors: durations in plain
 * words, placeholder insertion, identifiers, the closing date, and where a
 * problem (a JSON pointer) is shown. No React, no DOM: specified in
 * helpers.spec.ts.
 */
import {
  parseDuration,
  parseJsonPointer,
  slugify,
  toJsonPointer,
  type ErrorItem,
  type Expr,
  type JsonSchema,
  type WorkflowDefinition,
} from '@guichet/shared';

// --- Durations ------------------------------------------------------------

/** The units a designer picks from: days, weeks, months. */
export const DURATION_UNITS = ['D', 'W', 'M'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface DurationWords {
  amount: number;
  unit: DurationUnit;
}

/**
 * `15` + `D` → `P15D`. The amount is what the designer typed: a whole
 * number (spaces allowed around it). Returns null when it is not one, or
 * when the duration is zero or longer than ten years (what parseDuration
 * refuses).
 */
export function wordsToDuration(amount: string | number, unit: DurationUnit): string | null {
  const text = String(amount).trim();
  if (!/^\d{1,6}$/.test(text) || !DURATION_UNITS.includes(unit)) return null;
  const iso = `P${Number(text)}${unit}`;
  return parseDuration(iso) ? iso : null;
}

/**
 * `P15D` → 15 days, `P2W` → 2 weeks, `P2M` → 2 months, `P1Y` → 12 months,
 * `P14D` stays 14 days. Null for what a number and one of these units cannot
 * say (`PT48H`, `P1M2D`) or what is not a valid duration.
 */
export function durationToWords(iso: unknown): DurationWords | null {
  if (typeof iso !== 'string') return null;
  const d = parseDuration(iso);
  if (!d || d.seconds) return null;
  if (d.months && d.days) return null;
  if (d.months) return { amount: d.months, unit: 'M' };
  if (/^P\d+W$/.test(iso)) return { amount: d.days / 7, unit: 'W' };
  return { amount: d.days, unit: 'D' };
}

// --- Placeholder insertion ------------------------------------------------

/**
 * Puts `insertion` in `text` in place of the selection `start`–`end` (a
 * caret when they are equal), and says where the caret goes after it.
 * Out-of-range or missing positions insert at the end.
 */
export function insertAt(
  text: string,
  start: number | null | undefined,
  end: number | null | undefined,
  insertion: string,
): { text: string; caret: number } {
  const clamp = (n: number | null | undefined, fallback: number) =>
    typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= text.length ? n : fallback;
  const from = clamp(start, text.length);
  const to = Math.max(from, clamp(end, from));
  return { text: text.slice(0, from) + insertion + text.slice(to), caret: from + insertion.length };
}

/** `reference` → `{{reference}}`. */
export const placeholderText = (name: string): string => `{{${name}}}`;

// --- Identifiers ----------------------------------------------------------

/**
 * A state or transition name from its French label, unique among `taken`:
 * « En attente de paiement » → `en_attente_de_paiement`, then `…_2`.
 * Always matches `^[a-z][a-z0-9_]{0,39}$`.
 */
export function identifierFrom(label: string, taken: Iterable<string>, fallback = 'etat'): string {
  const used = new Set(taken);
  let base = slugify(label, { separator: '_' });
  if (!/^[a-z]/.test(base)) base = base ? `${fallback}_${base}` : fallback;
  base = base.slice(0, 36).replace(/_+$/, '');
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}`;
    if (!used.has(candidate)) return candidate;
  }
}

// --- Closing date -----------------------------------------------------------

/** `+01:00` or `+02:00`: Paris's offset from UTC at noon on that day. */
function parisOffset(date: string): string {
  const noon = new Date(`${date}T12:00:00Z`);
  const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })
    .formatToParts(noon)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-]\d{2}:\d{2})/.exec(name ?? '');
  return m ? m[1]! : '+01:00';
}

/**
 * The last day on which submissions are accepted (`2027-01-31`, what a date
 * input gives) → the instant the service closes: the end of that day in
 * Paris, `2027-01-31T23:59:59+01:00`. Null for anything but a real date.
 */
export function closingDateToIso(date: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const check = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== date) return null;
  return `${date}T23:59:59${parisOffset(date)}`;
}

/** The day, in Paris, of a closing instant (what a date input shows); '' when unreadable. */
export function isoToClosingDate(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(time));
}

// --- Whole numbers ----------------------------------------------------------

/** A whole number between min and max as typed (`12`, ` 12 `), or null. */
export function parseWholeNumber(text: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  const t = text.trim().replace(/[\s\u00a0\u202f]/g, '');
  if (!/^\d{1,15}$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

// --- Where problems are shown -------------------------------------------------

/** A DOM id for a JSON pointer of the definition: `/workflow/states/in_review/label` → `wf-workflow-states-in_review-label`. */
export function domId(pointer: string): string {
  return `wf${pointer.replace(/[^A-Za-z0-9_]/g, (c) => (c === '/' ? '-' : `_${c.charCodeAt(0).toString(16)}`))}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Every pointer at which the workflow editor shows a control or a block,
 * for the workflow as it is: each problem is shown at the longest of these
 * that starts its own pointer.
 */
export function workflowAnchors(workflow: WorkflowDefinition): Set<string> {
  const anchors = new Set<string>(['/settings/webhookUrl', '/workflow/states', '/workflow/transitions']);
  const add = (...segments: Array<string | number>) => anchors.add(toJsonPointer(['workflow', ...segments]));
  if (isObject(workflow.states)) {
    for (const [name, state] of Object.entries(workflow.states)) {
      add('states', name);
      add('states', name, 'label');
      if (name !== 'draft') add('states', name, 'final');
      add('states', name, 'actions');
      const actions = isObject(state) && Array.isArray(state.actions) ? state.actions : [];
      actions.forEach((action, i) => {
        add('states', name, 'actions', i);
        if (isObject(action) && (action.type === 'notify' || action.type === 'document'))
          add('states', name, 'actions', i, 'template');
      });
      if (name !== 'draft' && isObject(state) && isObject(state.deadline)) {
        add('states', name, 'deadline');
        add('states', name, 'deadline', 'after');
        add('states', name, 'deadline', 'transition');
      }
    }
  }
  if (Array.isArray(workflow.transitions)) {
    // The first `submit` shows no name field: it cannot be renamed.
    const submit = workflow.transitions.findIndex((t) => isObject(t) && t.name === 'submit');
    workflow.transitions.forEach((_, i) => {
      add('transitions', i);
      for (const key of ['label', 'from', 'to', 'by', 'commentRequired']) add('transitions', i, key);
      if (i !== submit) add('transitions', i, 'name');
    });
  }
  add('routing');
  add('routing', 'defaultGroup');
  add('routing', 'rules');
  const rules = isObject(workflow.routing) && Array.isArray(workflow.routing.rules) ? workflow.routing.rules : [];
  rules.forEach((_, i) => {
    add('routing', 'rules', i);
    add('routing', 'rules', i, 'when');
    add('routing', 'rules', i, 'group');
  });
  add('emails');
  if (isObject(workflow.emails)) {
    for (const key of Object.keys(workflow.emails)) {
      add('emails', key);
      add('emails', key, 'subject');
      add('emails', key, 'body');
    }
  }
  return anchors;
}

/** The anchors of the settings editor. */
export const SETTINGS_ANCHORS: ReadonlySet<string> = new Set([
  '/settings/signIn',
  '/settings/retentionMonths',
  '/settings/maxSubmissionsPerUser',
  '/settings/closesAt',
  '/settings/antiBot',
]);

export interface PlacedProblems {
  /** By anchor pointer. */
  at: Map<string, ErrorItem[]>;
  /** In scope, but with no control to be shown next to. */
  unplaced: ErrorItem[];
}

/**
 * Sorts problems: each one whose pointer is `inScope` goes to the longest
 * anchor that is its pointer or a parent of it (segment by segment), or to
 * `unplaced`. Problems out of scope are left out: another tab shows them.
 */
export function placeProblems(
  problems: readonly ErrorItem[],
  anchors: ReadonlySet<string>,
  inScope: (pointer: string) => boolean,
): PlacedProblems {
  const at = new Map<string, ErrorItem[]>();
  const unplaced: ErrorItem[] = [];
  for (const problem of problems) {
    if (typeof problem.pointer !== 'string' || !inScope(problem.pointer)) continue;
    let segments: string[];
    try {
      segments = parseJsonPointer(problem.pointer);
    } catch {
      unplaced.push(problem);
      continue;
    }
    let anchor: string | undefined;
    for (let n = segments.length; n > 0 && !anchor; n--) {
      const candidate = toJsonPointer(segments.slice(0, n));
      if (anchors.has(candidate)) anchor = candidate;
    }
    if (anchor) at.set(anchor, [...(at.get(anchor) ?? []), problem]);
    else unplaced.push(problem);
  }
  return { at, unplaced };
}

/** Problems once each: the same pointer, code and message from the server and the live check. */
export function dedupeProblems(problems: readonly ErrorItem[]): ErrorItem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer ?? ''}\u0000${p.code}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const inWorkflowScope = (pointer: string): boolean =>
  pointer === '/workflow' || pointer.startsWith('/workflow/') || pointer === '/settings/webhookUrl';

/** Settings edited by the settings tab: not the webhook (workflow tab) nor the prefill mapping (edited elsewhere). */
export const inSettingsScope = (pointer: string): boolean =>
  (pointer === '/settings' || pointer.startsWith('/settings/')) &&
  pointer !== '/settings/webhookUrl' &&
  !pointer.startsWith('/settings/webhookUrl/') &&
  pointer !== '/settings/prefill' &&
  !pointer.startsWith('/settings/prefill/');

// --- Routing fields ---------------------------------------------------------

export interface RoutingField {
  pointer: string;
  label: string;
  /** Choices of a select or radio field; the value is then picked, not typed. */
  options?: Array<{ value: string | number | boolean; label: string }>;
  kind: 'text' | 'number' | 'boolean';
  /** For a field of a repeatable block (pointer `/children/*\/school`): the block, read through one of its items. */
  block?: { pointer: string; label: string };
}

/** Which item of a repeatable block a routing rule reads: at least one, or the first. */
export type ItemChoice = 'any' | 'first';

function resolveRef(root: JsonSchema, node: JsonSchema): JsonSchema {
  let current = node;
  for (let i = 0; i < 10 && isObject(current) && typeof current.$ref === 'string'; i++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#/')) break;
    let target: unknown = root;
    for (const segment of parseJsonPointer(ref.slice(1))) target = isObject(target) ? target[segment] : undefined;
    if (target === undefined) break;
    current = target as JsonSchema;
  }
  return current;
}

/**
 * The fields a routing rule may read, in the schema's order: answers that
 * are one value (not groups, lists or files), outside repeatable blocks, each
 * with its title and, for a closed list, its choices.
 */
export function routingFields(schema: JsonSchema): RoutingField[] {
  const found: RoutingField[] = [];
  const walk = (node: JsonSchema, path: string[], titles: string[], depth: number, block?: RoutingField['block']) => {
    const resolved = resolveRef(schema, node);
    if (!isObject(resolved) || depth > 8 || found.length >= 2000) return;
    const properties = resolved.properties;
    if (!isObject(properties)) return;
    for (const [key, raw] of Object.entries(properties)) {
      const sub = resolveRef(schema, raw as JsonSchema);
      if (!isObject(sub)) continue;
      const title = typeof sub.title === 'string' && sub.title.trim() ? sub.title : key;
      const here = [...path, key];
      if (isObject(sub.properties)) {
        walk(sub, here, [...titles, title], depth + 1, block);
        continue;
      }
      const type = sub.type;
      // A repeatable block (one level: the editor names an item of it, not an item of an item).
      const items = type === 'array' && !block ? resolveRef(schema, sub.items as JsonSchema) : undefined;
      if (isObject(items) && isObject(items.properties)) {
        walk(items, [...here, '*'], [...titles, title], depth + 1, { pointer: toJsonPointer(here), label: title });
        continue;
      }
      if (type === 'array' || type === 'object' || sub.format === 'data-url' || sub.contentMediaType) continue;
      const field: RoutingField = {
        pointer: toJsonPointer(here),
        label: [...titles, title].join(' › '),
        kind: type === 'number' || type === 'integer' ? 'number' : type === 'boolean' ? 'boolean' : 'text',
      };
      if (block) field.block = block;
      if (Array.isArray(sub.enum)) {
        field.options = sub.enum
          .filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v))
          .map((v) => ({ value: v, label: String(v) }));
      } else if (Array.isArray(sub.oneOf) || Array.isArray(sub.anyOf)) {
        const list = (sub.oneOf ?? sub.anyOf) as unknown[];
        const options = list
          .filter((o): o is Record<string, unknown> => isObject(o) && 'const' in o)
          .filter((o) => ['string', 'number', 'boolean'].includes(typeof o.const))
          .map((o) => ({
            value: o.const as string | number | boolean,
            label: typeof o.title === 'string' ? o.title : String(o.const),
          }));
        if (options.length) field.options = options;
      }
      found.push(field);
    }
  };
  walk(schema, [], [], 0);
  return found;
}

/**
 * The simple shape of a routing condition the editor writes and reads:
 * « field » equals « value », and for a field of a repeatable block, which
 * item: `{ any: [{ field: "/children" }, { eq: [{ field: "/children/*\/school" }, v] }] }`
 * (at least one) or `{ eq: [{ field: "/children/0/school" }, v] }` (the
 * first). `field` is then the schema's pointer (`/children/*\/school`).
 * Anything else is an advanced condition, kept as it is.
 */
export function simpleCondition(when: unknown): { field: string; value: unknown; item?: ItemChoice } | null {
  if (isObject(when) && Object.keys(when).length === 1 && Array.isArray(when.any) && when.any.length === 2) {
    const [block, inner] = when.any as unknown[];
    if (!isObject(block) || typeof block.field !== 'string' || Object.keys(block).length !== 1) return null;
    const eq = simpleCondition(inner);
    const prefix = `${block.field}/*/`;
    if (!eq || eq.item || !eq.field.startsWith(prefix) || eq.field.slice(prefix.length).includes('*')) return null;
    return { ...eq, item: 'any' };
  }
  if (!isObject(when) || Object.keys(when).length !== 1 || !Array.isArray(when.eq) || when.eq.length !== 2) return null;
  const [left, right] = when.eq as unknown[];
  if (!isObject(left) || typeof left.field !== 'string' || Object.keys(left).length !== 1) return null;
  if (right !== null && typeof right === 'object') return null;
  const first = /^(\/[^*]*?)\/0(\/[^*]+)$/.exec(left.field);
  if (first && !first[1]!.split('/').includes('0'))
    return { field: `${first[1]}/*${first[2]}`, value: right, item: 'first' };
  return { field: left.field, value: right };
}

/** The condition the editor writes for « field equals value », naming the item of a repeatable block. */
export function routingCondition(
  field: RoutingField | undefined,
  pointer: string,
  value: string | number | boolean,
  item?: ItemChoice,
): Expr {
  const block = field?.block;
  if (!block) return { eq: [{ field: pointer }, value] };
  if (item === 'first')
    return { eq: [{ field: pointer.replace(`${block.pointer}/*/`, `${block.pointer}/0/`) }, value] };
  return { any: [{ field: block.pointer }, { eq: [{ field: pointer }, value] }] };
}
