import {
  AppError,
  fieldPointers,
  labelOf,
  modelAt,
  parseJsonPointer,
  type ErrorItem,
  type JsonSchema,
  type Schema,
  type Ui,
  isUuid,
  MAX_COLUMNS,
  TABS,
  type Tab,
  UUID_PATTERN,
} from '@guichet/shared';
import { fieldSchema, searchFold } from '@guichet/submissions';

export { MAX_COLUMNS, TABS, type Tab };

/** A validated inbox query: every value here is safe to bind as an SQL parameter. */
export interface InboxFilter {
  tab: Tab;
  statuses: string[];
  assignee: 'me' | 'none' | string | null;
  group: string | null;
  terms: string[];
  from: Date | null;
  to: Date | null;
  /** One per `field` parameter: an answer equal to a value, or within a bound. */
  answers: AnswerFilter[];
  /** The `sort` parameter as given (submitted, oldest, deadline, reference, -contact, /pointer, -/pointer…). */
  sort: string;
  /** What `sort` orders by, resolved against the form. */
  order: SortOrder;
  /** Answers to return with each item (the desk's chosen columns), as JSON pointers. */
  columns: string[];
  /** true: only requests waiting for the citizen's reply; false: only the others; null/absent: all. */
  awaiting?: boolean | null;
}

export interface InboxPageQuery extends InboxFilter {
  limit: number;
  cursor: Cursor | null;
}

/** Where the previous page ended: the sort key of its last row (as text, null when it has none) and its id. */
export interface Cursor {
  key: string | null;
  id: string;
}

/**
 * An answer filter. `equals`: jsonb containment (`data @> {...}`), typed as
 * the form types the field. `range`: a bound on a number (compared as a
 * number) or a date (ISO text compares as the calendar does).
 */
export type AnswerFilter =
  | { kind: 'equals'; contains: Record<string, unknown> }
  | { kind: 'range'; path: string[]; type: 'number' | 'date'; op: '>=' | '<=' | '>' | '<'; value: number | string };

/**
 * An inbox order: a column of the request or an answer, its type (how the
 * cursor's key is read back), the direction, and whether rows may have no
 * key (they come last, whatever the direction).
 */
export interface SortOrder {
  column: 'submitted_at' | 'deadline_at' | 'reference' | 'contact_name' | 'answer';
  /** The answer's path (column `answer`). */
  path?: string[];
  type: 'time' | 'number' | 'text';
  desc: boolean;
  nullable: boolean;
}

const IDENTIFIER = /^[a-z][a-z0-9_]{0,39}$/;
const GROUP = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const AGENT = new RegExp(`^(account|token):${UUID_PATTERN.source.slice(1)}`, 'i');
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
export const MAX_LIMIT = 100;

const bad = (param: string, message: string): ErrorItem => ({ pointer: `/${param}`, code: `query:${param}`, message });

function single(raw: Record<string, unknown>, name: string, errors: ErrorItem[]): string | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.push(bad(name, 'Ce paramètre ne peut être donné qu’une fois.'));
    return undefined;
  }
  return value;
}

function date(value: string | undefined, name: string, errors: ErrorItem[], endOfDay: boolean): Date | null {
  if (value === undefined || value === '') return null;
  // A day that the calendar lacks (2025-02-31) is refused, as in answer filters: Date would read it as 3 March.
  const parsed =
    DATE.test(value) && isDay(value.slice(0, 10)) ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : null;
  if (!parsed || Number.isNaN(parsed.getTime())) {
    errors.push(bad(name, 'Date attendue au format AAAA-MM-JJ.'));
    return null;
  }
  // `to=2026-01-31` includes that whole day.
  return endOfDay && value.length === 10 ? new Date(parsed.getTime() + 86_400_000) : parsed;
}

/** Words of the free-text search, letters and digits only, each matched as a prefix. */
function searchTerms(q: string | undefined, errors: ErrorItem[]): string[] {
  if (!q) return [];
  if (q.length > 200) {
    errors.push(bad('q', 'Recherche trop longue (200 caractères au plus).'));
    return [];
  }
  return (searchFold(q).match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/** How the form names a field, for messages: agents never read a JSON pointer. */
type Labeller = (pointer: string) => string;

const FILTER = /^(\/[^=<>]*)(>=|<=|=|>|<)([\s\S]*)$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What a field holds, for filters and sorts: a number, a calendar day or date-time, or text. */
function answerType(
  schema: JsonSchema,
  ui: unknown,
  pointer: string,
): 'number' | 'date' | 'datetime' | 'boolean' | 'text' | 'group' {
  const model = modelAt(schema as Schema, (ui ?? {}) as Ui, pointer);
  const sub = fieldSchema(schema, pointer);
  const type = model?.schema.type ?? (sub && typeof sub === 'object' ? sub.type : undefined);
  const format = model?.schema.format ?? (sub && typeof sub === 'object' ? sub.format : undefined);
  if (type === 'integer' || type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'object' || type === 'array') return 'group';
  if (format === 'date' || model?.inputType === 'date') return 'date';
  if (format === 'date-time' || model?.inputType === 'datetime-local') return 'datetime';
  return 'text';
}

/** A number as an agent types it: `5000`, `5 000`, `5000,50` or `5000.50`. */
export function readNumber(text: string): number | null {
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  const normal = compact.includes('.') ? compact : compact.replace(',', '.');
  return /^[-+]?\d+(\.\d+)?$/.test(normal) ? Number(normal) : null;
}

function isDay(text: string): boolean {
  if (!DAY.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * `field=/parent/postalCode=45000`: the answer at that pointer equals the
 * value (typed by the schema). Numbers and dates also take bounds:
 * `field=/funding/amount>=5000`, `field=/event/date<=2026-06-30` (`>` and `<`
 * too). Messages name the field as the form does, never by its pointer.
 */
function answerFilters(
  values: unknown,
  schema: JsonSchema,
  label: Labeller,
  ui: unknown,
  errors: ErrorItem[],
): AnswerFilter[] {
  if (values === undefined) return [];
  const list = Array.isArray(values) ? values : [values];
  if (list.length > 5) {
    errors.push(bad('field', 'Cinq filtres sur les réponses au plus.'));
    return [];
  }
  const known = fieldPointers(schema);
  const filters: AnswerFilter[] = [];
  for (const item of list) {
    const text = typeof item === 'string' ? item : '';
    const match = FILTER.exec(text);
    const pointer = match?.[1] ?? '';
    const op = (match?.[2] ?? '=') as '=' | '>=' | '<=' | '>' | '<';
    const rawValue = (match?.[3] ?? '').trim();
    if (!match || !known.has(pointer) || pointer.includes('*') || rawValue.length > 200) {
      errors.push(
        bad(
          'field',
          'Filtre sur une réponse inconnu : choisissez un champ du formulaire et une valeur (champ=valeur, ou champ>=valeur pour un nombre ou une date).',
        ),
      );
      continue;
    }
    const name = `« ${label(pointer)} »`;
    const type = answerType(schema, ui, pointer);
    if (type === 'group') {
      errors.push(bad('field', `On ne filtre pas sur ${name} : c’est un groupe ou une liste.`));
      continue;
    }
    if (op !== '=') {
      if (type !== 'number' && type !== 'date' && type !== 'datetime') {
        errors.push(bad('field', `${name} n’est ni un nombre ni une date : on n’y cherche qu’une valeur exacte.`));
        continue;
      }
      if (type === 'number') {
        const value = readNumber(rawValue);
        if (value === null) {
          errors.push(bad('field', `${name} : nombre attendu, par exemple 5000 ou 5000,50.`));
          continue;
        }
        filters.push({ kind: 'range', path: parseJsonPointer(pointer), type: 'number', op, value });
        continue;
      }
      if (!isDay(rawValue)) {
        errors.push(bad('field', `${name} : date attendue au format AAAA-MM-JJ, par exemple 2026-06-30.`));
        continue;
      }
      // A date-time field « au plus le 30 juin » takes that whole day.
      const bound =
        type === 'datetime' && op === '<='
          ? { op: '<' as const, value: nextDay(rawValue) }
          : type === 'datetime' && op === '>'
            ? { op: '>=' as const, value: nextDay(rawValue) }
            : { op, value: rawValue };
      filters.push({ kind: 'range', path: parseJsonPointer(pointer), type: 'date', ...bound });
      continue;
    }
    let value: unknown = rawValue;
    if (type === 'number') {
      value = readNumber(rawValue);
      if (value === null) {
        errors.push(bad('field', `${name} : nombre attendu, par exemple 5000 ou 5000,50.`));
        continue;
      }
    } else if (type === 'boolean') {
      if (rawValue !== 'true' && rawValue !== 'false') {
        errors.push(bad('field', `${name} : oui (true) ou non (false) attendu.`));
        continue;
      }
      value = rawValue === 'true';
    } else if (type === 'date' && !isDay(rawValue)) {
      errors.push(bad('field', `${name} : date attendue au format AAAA-MM-JJ, par exemple 2026-06-30.`));
      continue;
    } else {
      value = typeof item === 'string' ? (match[3] ?? '') : rawValue;
    }
    const segments = parseJsonPointer(pointer);
    let object: Record<string, unknown> = {};
    const root = object;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) object[segment] = value;
      else object = object[segment] = {} as Record<string, unknown>;
    });
    filters.push({ kind: 'equals', contains: root });
  }
  return filters;
}

const FIXED_SORTS: Record<string, SortOrder> = {
  submitted: { column: 'submitted_at', type: 'time', desc: true, nullable: false },
  oldest: { column: 'submitted_at', type: 'time', desc: false, nullable: false },
  deadline: { column: 'deadline_at', type: 'time', desc: false, nullable: false },
  reference: { column: 'reference', type: 'text', desc: false, nullable: true },
  '-reference': { column: 'reference', type: 'text', desc: true, nullable: true },
  contact: { column: 'contact_name', type: 'text', desc: false, nullable: true },
  '-contact': { column: 'contact_name', type: 'text', desc: true, nullable: true },
};

/**
 * `sort`: a fixed order, or an answer of the form (`/funding/amount`
 * ascending, `-/funding/amount` descending): numbers as numbers, the rest as
 * text (ISO dates sort as the calendar does), requests without an answer last.
 */
function sortOrder(value: string, schema: JsonSchema, ui: unknown, errors: ErrorItem[]): SortOrder {
  const fixed = FIXED_SORTS[value];
  if (fixed) return fixed;
  const desc = value.startsWith('-/');
  const pointer = desc ? value.slice(1) : value;
  const type =
    pointer.startsWith('/') &&
    fieldPointers(schema).has(pointer) &&
    !pointer.includes('*') &&
    !pointer.includes('\u0000')
      ? answerType(schema, ui, pointer)
      : null;
  if (type === null || type === 'group') {
    errors.push(
      bad(
        'sort',
        'Tri attendu : submitted, oldest, deadline, reference, contact, ou un champ du formulaire (un « - » devant pour l’ordre inverse).',
      ),
    );
    return FIXED_SORTS.submitted!;
  }
  return {
    column: 'answer',
    path: parseJsonPointer(pointer),
    type: type === 'number' ? 'number' : 'text',
    desc,
    nullable: true,
  };
}

/** `columns=/association/name,/amount`: answers shown as columns of the inbox, fields of the form without `*`. */
function answerColumns(value: string | undefined, schema: JsonSchema, errors: ErrorItem[]): string[] {
  if (value === undefined || value === '') return [];
  const list = value.split(',').map((p) => p.trim());
  const known = fieldPointers(schema);
  if (list.length > MAX_COLUMNS) {
    errors.push(bad('columns', `${MAX_COLUMNS} colonnes au plus.`));
    return [];
  }
  const unknown = list.filter((p) => !known.has(p) || p.includes('*'));
  if (unknown.length) {
    errors.push(bad('columns', `Colonne inconnue : « ${unknown[0]!.slice(0, 80)} » (attendu un champ du formulaire).`));
    return [];
  }
  return [...new Set(list)];
}

const NUMBER_KEY = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** A cursor of this sort: its key must read back as the sort's type (else the query would fail). */
function decodeCursor(value: string | undefined, sort: string, order: SortOrder, errors: ErrorItem[]): Cursor | null {
  if (value === undefined || value === '') return null;
  try {
    if (value.length > 1500) throw new Error('long');
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed[0] === sort &&
      typeof parsed[2] === 'string' &&
      isUuid(parsed[2])
    ) {
      const key: unknown = parsed[1];
      const valid =
        key === null
          ? order.nullable
          : typeof key === 'string' &&
            key.length <= 1000 &&
            !key.includes('\u0000') &&
            (order.type === 'time'
              ? !Number.isNaN(Date.parse(key))
              : order.type === 'number'
                ? NUMBER_KEY.test(key)
                : true);
      if (valid) return { key: key as string | null, id: parsed[2] };
    }
  } catch {
    // fall through
  }
  errors.push(bad('cursor', 'Curseur invalide : reprenez la liste depuis le début.'));
  return null;
}

/** `key`: the last row's sort key as text (to the microsecond for times, see keyText in inbox.ts), or null. */
export function encodeCursor(sort: string, key: string | null, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

const KNOWN = new Set([
  'tab',
  'status',
  'assignee',
  'group',
  'q',
  'from',
  'to',
  'field',
  'sort',
  'cursor',
  'limit',
  'format',
  'sep',
  'columns',
  'awaiting',
]);

/**
 * Reads an inbox or export query; every problem is a 400 with the parameter
 * as pointer. `ui` (the form's uiSchema) names fields in messages as the form does.
 * `statuses`: the states a request of the service can be in (every version's workflow, `Inbox.statuses`); a status
 * filter naming another is refused, where it listed nothing (« acepted » answered an empty list, as if none were).
 */
export function parseInboxQuery(
  raw: Record<string, unknown>,
  schema: JsonSchema,
  paged = true,
  ui?: unknown,
  statuses?: ReadonlySet<string>,
): InboxPageQuery {
  const label: Labeller = (pointer) => labelOf(schema as Schema, (ui ?? {}) as Ui, pointer) || 'ce champ';
  const errors: ErrorItem[] = [];
  for (const name of Object.keys(raw))
    if (!KNOWN.has(name)) errors.push(bad(name, `Paramètre inconnu : ${name.slice(0, 40)}.`));
  const tab = single(raw, 'tab', errors) ?? 'tous';
  if (!(TABS as readonly string[]).includes(tab))
    errors.push(bad('tab', `Onglet inconnu (attendu : ${TABS.join(', ')}).`));
  const statusText = single(raw, 'status', errors);
  const wanted = statusText ? statusText.split(',').map((s) => s.trim()) : [];
  if (wanted.length > 10 || wanted.some((s) => !IDENTIFIER.test(s))) errors.push(bad('status', 'Statut invalide.'));
  else if (statuses && wanted.some((s) => !statuses.has(s))) {
    const known = [...statuses].sort();
    const listed = known.length > 20 ? `${known.slice(0, 20).join(', ')}…` : known.join(', ');
    errors.push(
      bad(
        'status',
        `Statut inconnu : ${wanted.find((s) => !statuses.has(s))} (statuts de cette démarche : ${listed}).`,
      ),
    );
  }
  const assignee = single(raw, 'assignee', errors) ?? null;
  if (assignee !== null && assignee !== 'me' && assignee !== 'none' && !AGENT.test(assignee))
    errors.push(bad('assignee', 'Attendu : me, none ou l’identifiant d’un agent.'));
  const group = single(raw, 'group', errors) ?? null;
  if (group !== null && !GROUP.test(group)) errors.push(bad('group', 'Groupe invalide.'));
  const terms = searchTerms(single(raw, 'q', errors), errors);
  const from = date(single(raw, 'from', errors), 'from', errors, false);
  const to = date(single(raw, 'to', errors), 'to', errors, true);
  const answers = answerFilters(raw.field, schema, label, ui, errors);
  const sort = single(raw, 'sort', errors) ?? 'submitted';
  const order = sortOrder(sort, schema, ui, errors);
  const columns = answerColumns(single(raw, 'columns', errors), schema, errors);
  const awaitingText = single(raw, 'awaiting', errors);
  if (awaitingText !== undefined && awaitingText !== '1' && awaitingText !== '0')
    errors.push(bad('awaiting', 'Attendu : awaiting=1 (en attente de réponse de l’usager) ou awaiting=0.'));
  if (!paged) {
    for (const name of ['limit', 'cursor'])
      if (raw[name] !== undefined) errors.push(bad(name, 'Un export porte sur tout le filtre : ni page ni curseur.'));
  }
  let limit = 25;
  const limitText = single(raw, 'limit', errors);
  if (paged && limitText !== undefined) {
    limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) errors.push(bad('limit', `Entre 1 et ${MAX_LIMIT} demandes par page.`));
  }
  const cursor = paged ? decodeCursor(single(raw, 'cursor', errors), sort, order, errors) : null;
  if (errors.length) throw new AppError('INVALID_REQUEST', { errors });
  return {
    tab: tab as Tab,
    statuses: wanted,
    assignee,
    group,
    terms,
    from,
    to,
    answers,
    sort,
    order,
    columns,
    awaiting: awaitingText === '1' ? true : awaitingText === '0' ? false : null,
    limit,
    cursor,
  };
}
