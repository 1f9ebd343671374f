import {
  AppError,
  fieldPointers,
  parseJsonPointer,
  type ErrorItem,
  type JsonSchema,
  isUuid,
  UUID_PATTERN,
} from '@guichet/shared';
import { fieldSchema, searchFold } from '@guichet/submissions';

export const TABS = ['a_traiter', 'suivis', 'traites', 'tous'] as const;
export type Tab = (typeof TABS)[number];

/** A validated inbox query: every value here is safe to bind as an SQL parameter. */
export interface InboxFilter {
  tab: Tab;
  statuses: string[];
  assignee: 'me' | 'none' | string | null;
  group: string | null;
  terms: string[];
  from: Date | null;
  to: Date | null;
  /** jsonb containment objects, one per answer filter. */
  answers: Array<Record<string, unknown>>;
  /** submitted: newest first; oldest: oldest first; deadline: soonest deadline first. */
  sort: 'submitted' | 'oldest' | 'deadline';
  /** Answers to return with each item (the desk's chosen columns), as JSON pointers. */
  columns: string[];
  /** true: only requests waiting for the citizen's reply; false: only the others; null/absent: all. */
  awaiting?: boolean | null;
}

export interface InboxPageQuery extends InboxFilter {
  limit: number;
  cursor: { at: string; id: string } | null;
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
  const parsed = DATE.test(value) ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : null;
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

/** `field=/parent/postalCode=45000`: the answer at that pointer equals the value (typed by the schema). */
function answerFilters(values: unknown, schema: JsonSchema, errors: ErrorItem[]): Array<Record<string, unknown>> {
  if (values === undefined) return [];
  const list = Array.isArray(values) ? values : [values];
  if (list.length > 5) {
    errors.push(bad('field', 'Cinq filtres sur les réponses au plus.'));
    return [];
  }
  const known = fieldPointers(schema);
  const filters: Array<Record<string, unknown>> = [];
  for (const item of list) {
    const text = typeof item === 'string' ? item : '';
    const at = text.indexOf('=', 1);
    const pointer = at > 0 ? text.slice(0, at) : '';
    const rawValue = at > 0 ? text.slice(at + 1) : '';
    if (!pointer.startsWith('/') || !known.has(pointer) || pointer.includes('*') || rawValue.length > 200) {
      errors.push(
        bad('field', `Filtre inconnu : « ${text.slice(0, 80)} » (attendu /champ=valeur, sur un champ du formulaire).`),
      );
      continue;
    }
    const sub = fieldSchema(schema, pointer);
    const type = sub && typeof sub === 'object' ? sub.type : undefined;
    let value: unknown = rawValue;
    if (type === 'integer' || type === 'number') {
      value = Number(rawValue);
      if (rawValue === '' || !Number.isFinite(value)) {
        errors.push(bad('field', `Nombre attendu pour ${pointer}.`));
        continue;
      }
    } else if (type === 'boolean') {
      if (rawValue !== 'true' && rawValue !== 'false') {
        errors.push(bad('field', `true ou false attendu pour ${pointer}.`));
        continue;
      }
      value = rawValue === 'true';
    } else if (type !== 'string' && type !== undefined) {
      errors.push(bad('field', `On ne filtre pas sur ${pointer} (groupe ou liste).`));
      continue;
    }
    const segments = parseJsonPointer(pointer);
    let object: Record<string, unknown> = {};
    const root = object;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) object[segment] = value;
      else object = object[segment] = {} as Record<string, unknown>;
    });
    filters.push(root);
  }
  return filters;
}

export const MAX_COLUMNS = 10;

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

function decodeCursor(value: string | undefined, errors: ErrorItem[]): { at: string; id: string } | null {
  if (value === undefined || value === '') return null;
  try {
    if (value.length > 200) throw new Error('long');
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0])) &&
      typeof parsed[1] === 'string' &&
      isUuid(parsed[1])
    ) {
      return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  errors.push(bad('cursor', 'Curseur invalide : reprenez la liste depuis le début.'));
  return null;
}

/** `at`: a Date, or ISO 8601 text when the microseconds matter (see cursorAt in inbox.ts). */
export function encodeCursor(at: Date | string, id: string): string {
  return Buffer.from(JSON.stringify([typeof at === 'string' ? at : at.toISOString(), id])).toString('base64url');
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

/** Reads an inbox or export query; every problem is a 400 with the parameter as pointer. */
export function parseInboxQuery(raw: Record<string, unknown>, schema: JsonSchema, paged = true): InboxPageQuery {
  const errors: ErrorItem[] = [];
  for (const name of Object.keys(raw))
    if (!KNOWN.has(name)) errors.push(bad(name, `Paramètre inconnu : ${name.slice(0, 40)}.`));
  const tab = single(raw, 'tab', errors) ?? 'tous';
  if (!(TABS as readonly string[]).includes(tab))
    errors.push(bad('tab', `Onglet inconnu (attendu : ${TABS.join(', ')}).`));
  const statusText = single(raw, 'status', errors);
  const statuses = statusText ? statusText.split(',').map((s) => s.trim()) : [];
  if (statuses.length > 10 || statuses.some((s) => !IDENTIFIER.test(s))) errors.push(bad('status', 'Statut invalide.'));
  const assignee = single(raw, 'assignee', errors) ?? null;
  if (assignee !== null && assignee !== 'me' && assignee !== 'none' && !AGENT.test(assignee))
    errors.push(bad('assignee', 'Attendu : me, none ou l’identifiant d’un agent.'));
  const group = single(raw, 'group', errors) ?? null;
  if (group !== null && !GROUP.test(group)) errors.push(bad('group', 'Groupe invalide.'));
  const terms = searchTerms(single(raw, 'q', errors), errors);
  const from = date(single(raw, 'from', errors), 'from', errors, false);
  const to = date(single(raw, 'to', errors), 'to', errors, true);
  const answers = answerFilters(raw.field, schema, errors);
  const sort = single(raw, 'sort', errors) ?? 'submitted';
  if (sort !== 'submitted' && sort !== 'oldest' && sort !== 'deadline')
    errors.push(bad('sort', 'Tri attendu : submitted, oldest ou deadline.'));
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
  const cursor = paged ? decodeCursor(single(raw, 'cursor', errors), errors) : null;
  if (errors.length) throw new AppError('INVALID_REQUEST', { errors });
  return {
    tab: tab as Tab,
    statuses,
    assignee,
    group,
    terms,
    from,
    to,
    answers,
    sort: sort as InboxFilter['sort'],
    columns,
    awaiting: awaitingText === '1' ? true : awaitingText === '0' ? false : null,
    limit,
    cursor,
  };
}
