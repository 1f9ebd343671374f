/**
 * What a person reads back after filling a corpus form — the review page
 * before sending, the receipt, the caseworker's case view — held to what
 * RJSF's semantics imply (compat-driver's steps): every answer there once, in
 * the form's order (`ui:order`), under the label RJSF shows (`ui:title`), with
 * the choice's label rather than its raw value (`ui:enumNames`, a branch's
 * `ui:title`), and nothing RJSF does not draw (`ui:widget: hidden`).
 */
import { getUiOptions, type UiSchema } from '@rjsf/utils';
import { byEntryName, dataUrlName } from '@guichet/shared';
import type { Json, JsonObject } from './compat-corpus';
import { rjsfWidget, type Step } from './compat-driver';

/** One answer as a read-back view lists it. */
export interface ReadRow {
  /** The answer's JSON pointer, where the view gives one (review page, desk). */
  pointer?: string;
  label: string;
  text: string;
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Numbers as the views print them in French (« 21 500 », « 349,9 »): compared without grouping, with a dot. */
const digits = (s: string) => s.replace(/[\s\u202f\u00a0]/g, '').replace(/,/g, '.');

/** What the view must show for a step's answer, when RJSF's semantics say it exactly. */
export function expectedText(step: Step): string | undefined {
  const value = step.value;
  if (value === undefined || value === null || value === '') return undefined;
  const labelOf = (v: unknown) => step.options?.find((o) => JSON.stringify(o.value) === JSON.stringify(v))?.label;
  switch (step.kind) {
    case 'choice':
    case 'boolean':
      return labelOf(value);
    case 'branch':
      return step.branch;
    case 'file': {
      const first = Array.isArray(value) ? value[0] : value;
      return typeof first === 'string' ? dataUrlName(first) : undefined;
    }
    case 'text':
    case 'extra':
    case 'fixed': {
      if (typeof value === 'number') return String(value);
      if (typeof value !== 'string') return undefined;
      const format = step.schema.format;
      if (format === 'date' || format === 'date-time' || format === 'time') return undefined;
      if (rjsfWidget(step.ui) === 'password' || step.schema.format === 'password') return undefined;
      return squash(value);
    }
    default:
      return undefined;
  }
}

/** The answers a view must list: answered leaves, chosen branches, and the leaves of fields shown fixed. */
export function answerSteps(steps: Step[]): Step[] {
  const out: Step[] = [];
  for (const s of steps) {
    if (s.kind === 'group' || s.kind === 'array' || s.kind === 'info') continue;
    if (s.kind === 'multi') {
      if (Array.isArray(s.value) && s.value.length > 0) out.push(s);
      continue;
    }
    if (s.kind === 'fixed' && (isObject(s.value) || Array.isArray(s.value))) {
      // A group RJSF draws read-only (ui:readonly, ui:disabled): its fields are answers like any other.
      const walkValue = (v: Json, pointer: string) => {
        if (isObject(v)) for (const [k, c] of Object.entries(v)) walkValue(c, `${pointer}/${k}`);
        else if (Array.isArray(v)) v.forEach((c, i) => walkValue(c, `${pointer}/${i}`));
        else if (v !== null && v !== '')
          out.push({ ...s, pointer, label: undefined, value: v, schema: {}, ui: {}, kind: 'fixed' });
      };
      walkValue(s.value, s.pointer);
      continue;
    }
    if (s.value === undefined || s.value === null || s.value === '') continue;
    out.push(s);
  }
  // Free entries are read back by name wherever they stand (`byEntryName`: answers are stored as jsonb, which keeps
  // no order of their keys), where RJSF draws them in the answer's order.
  const entries = new Map<string, number[]>();
  out.forEach((s, i) => {
    if (s.kind !== 'extra') return;
    const parent = s.pointer.slice(0, s.pointer.lastIndexOf('/'));
    entries.set(parent, [...(entries.get(parent) ?? []), i]);
  });
  for (const places of entries.values()) {
    const named = places.map((i): [string, Step] => [entryName(out[i]!.pointer), out[i]!]);
    byEntryName(named).forEach(([, s], k) => (out[places[k]!] = s));
  }
  return out;
}

const entryName = (pointer: string) =>
  pointer
    .slice(pointer.lastIndexOf('/') + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');

/**
 * Whether a row is labelled as RJSF labels the step. A free entry (additionalProperties, patternProperties) is
 * read back under the name the citizen gave it, by design (docs/definition-format.md): its name, or its title.
 */
function labelFits(step: Step, label: string): boolean {
  if (squash(label).includes(squash(step.label ?? ''))) return true;
  if (step.kind !== 'extra') return false;
  const name = step.pointer
    .slice(step.pointer.lastIndexOf('/') + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  return squash(label).includes(name);
}

function textMatches(step: Step, row: ReadRow): string | undefined {
  if (step.kind === 'multi') {
    const wanted = (step.value as Json[]).map(
      (v) => step.options?.find((o) => JSON.stringify(o.value) === JSON.stringify(v))?.label ?? String(v),
    );
    const missing = wanted.filter((w) => !squash(row.text).includes(w));
    return missing.length ? `« ${missing.join(', ')} » absent de « ${squash(row.text)} »` : undefined;
  }
  const wanted = expectedText(step);
  if (wanted === undefined) return undefined;
  const text = squash(row.text);
  // A number chosen from a list reads as its option's label (« Moyenne section »), not as digits.
  const asNumber = typeof step.value === 'number' && step.kind !== 'choice' && step.kind !== 'boolean';
  if (asNumber ? digits(text).includes(wanted) : text.includes(wanted)) return undefined;
  return `« ${wanted} » attendu, lu « ${text.slice(0, 80)} »`;
}

/**
 * Problems in a view that gives pointers (review page, desk): an answer
 * missing, listed twice, out of the form's order, under another label, with
 * another text, or a row for a field RJSF does not draw.
 */
export function pointedProblems(where: string, all: Step[], rows: ReadRow[]): string[] {
  const problems: string[] = [];
  const drawn = new Set(all.map((s) => s.pointer));
  const fixedGroups = all.filter((s) => s.kind === 'fixed' && (isObject(s.value) || Array.isArray(s.value)));
  const order = answerSteps(all).map((s) => s.pointer);
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const p = r.pointer!;
    if (seen.has(p)) problems.push(`${where} : ${p} listé deux fois`);
    else seen.set(p, i);
    const underFixed = fixedGroups.some((g) => p.startsWith(`${g.pointer}/`));
    if (!drawn.has(p) && !underFixed)
      problems.push(`${where} : ${p} (« ${squash(r.label)} ») listé, mais RJSF ne le dessine pas`);
  });
  let last = -1;
  let lastPointer = '';
  for (const step of answerSteps(all)) {
    const at = seen.get(step.pointer);
    if (at === undefined) {
      problems.push(`${where} : ${step.pointer}${step.label ? ` (« ${step.label} »)` : ''} absent`);
      continue;
    }
    const row = rows[at]!;
    if (at < last) problems.push(`${where} : ${step.pointer} avant ${lastPointer}, contre l’ordre du formulaire`);
    last = Math.max(last, at);
    lastPointer = step.pointer;
    if (step.label && step.kind !== 'branch' && !labelFits(step, row.label))
      problems.push(`${where} : libellé de ${step.pointer} « ${squash(row.label)} », attendu « ${step.label} »`);
    // A branch that is a single value (`anyOf` of an enum and null): the value read back says which branch it is.
    if (step.kind === 'branch' && all.some((s) => s !== step && s.pointer === step.pointer && s.kind !== 'group'))
      continue;
    const wrong = textMatches(step, row);
    if (wrong) problems.push(`${where} : ${step.pointer} ${wrong}`);
  }
  void order;
  if (problems.some((p) => p.endsWith(' absent')))
    problems.push(`${where} : lu ${rows.map((r) => r.pointer).join(', ') || 'aucune réponse'}`);
  return problems;
}

/**
 * Problems in a view without pointers (the receipt): each answer's label and
 * text found, in the form's order, and no row under the label of a field RJSF
 * does not draw (a hidden one) unless a drawn field has that label too.
 */
export function unpointedProblems(where: string, all: Step[], rows: ReadRow[], hiddenLabels: string[]): string[] {
  const problems: string[] = [];
  let from = 0;
  for (const step of answerSteps(all)) {
    const wanted = expectedText(step);
    if (!step.label && wanted === undefined && step.kind !== 'multi') continue;
    if (step.kind === 'branch' && all.some((s) => s !== step && s.pointer === step.pointer && s.kind !== 'group'))
      continue;
    const fits = (r: ReadRow) =>
      (!step.label || step.kind === 'branch' || labelFits(step, r.label)) && textMatches(step, r) === undefined;
    const next = rows.findIndex((r, i) => i >= from && fits(r));
    if (next >= 0) {
      from = next + 1;
      continue;
    }
    const anywhere = rows.findIndex(fits);
    problems.push(
      anywhere >= 0
        ? `${where} : ${step.pointer} (« ${step.label ?? ''} ») hors de l’ordre du formulaire`
        : `${where} : ${step.pointer} (« ${step.label ?? ''} » : « ${wanted ?? ''} ») absent`,
    );
  }
  const drawnLabels = new Set(all.map((s) => s.label).filter(Boolean));
  for (const label of hiddenLabels)
    if (!drawnLabels.has(label) && rows.some((r) => squash(r.label) === label))
      problems.push(`${where} : « ${label} » (caché, ui:widget hidden) listé`);
  return problems;
}

/** The titles of fields RJSF does not draw (`ui:widget: hidden`) in a form's uiSchema, at any depth. */
export function hiddenLabels(schema: JsonObject, ui: JsonObject): string[] {
  const out: string[] = [];
  const visit = (s: unknown, u: unknown) => {
    if (!isObject(s) || !isObject(u)) return;
    if (rjsfWidget(u) === 'hidden') {
      const own = getUiOptions(u as UiSchema).title;
      const title = typeof own === 'string' ? own : s.title;
      if (typeof title === 'string') out.push(title);
      return;
    }
    const props = isObject(s.properties) ? s.properties : {};
    for (const [k, v] of Object.entries(props)) visit(v, u[k]);
    if (isObject(s.items)) visit(s.items, u.items);
  };
  visit(schema, ui);
  return out;
}

/** The receipt's answers (`<dt>` label, `<dd>` text, after « Vos réponses »). */
export function receiptRows(html: string): ReadRow[] {
  const part = html.slice(html.indexOf('Vos réponses'));
  const decode = (s: string) =>
    s
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  const rows: ReadRow[] = [];
  const re = /<dt[^>]*>([\s\S]*?)<\/dt>\s*<dd[^>]*>([\s\S]*?)<\/dd>/g;
  for (let m = re.exec(part); m; m = re.exec(part)) rows.push({ label: decode(m[1]!), text: decode(m[2]!) });
  return rows;
}
