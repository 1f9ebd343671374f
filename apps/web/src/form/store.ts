import { useCallback, useEffect, useSyncExternalStore } from 'react';
import {
  eligibilityErrors,
  hiddenPointers,
  parseJsonPointer,
  toJsonPointer,
  LONE_SURROGATE,
  readPointer,
  visiblePages,
  type ErrorItem,
  type ServiceDefinition,
} from '@guichet/shared';

type Listener = () => void;

const isContainer = (v: unknown) => v !== null && typeof v === 'object';

/**
 * `node` with `value` at `segments`. A container missing on the way is made a list where `isList(depth)` says the
 * form draws a list there (a tuple's fixed items are drawn before the list exists), a group otherwise.
 */
function setIn(
  node: unknown,
  segments: string[],
  value: unknown,
  isList: (depth: number) => boolean = () => false,
  depth = 0,
): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(node) || (!isContainer(node) && /^(?:0|[1-9]\d*)$/.test(head) && isList(depth))) {
    const copy = Array.isArray(node) ? node.slice() : [];
    const index = Number(head);
    // An item emptied in place keeps its place (a list of texts does not lose a line while the citizen types);
    // removing an item is the list's own business (« Retirer » sets the whole list).
    copy[index] = setIn(copy[index], rest, value, isList, depth + 1);
    return copy;
  }
  const base = node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : {};
  const copy: Record<string, unknown> = { ...base };
  const next = setIn(base[head], rest, value, isList, depth + 1);
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

/** ajv's codes for a value that fits none (or more than one) of a choice's branches. */
const CHOICE_KEYWORDS: ReadonlySet<string> = new Set(['oneOf', 'anyOf']);

/**
 * The answers of one form, outside React: each field subscribes to its own
 * pointer, so a keystroke re-renders one field, not the 299 others. Rules
 * (hidden fields, pages, eligibility) are evaluated after each change and
 * only the fields whose visibility flips are told.
 */
export class FormStore {
  private data: Record<string, unknown>;
  private readonly values = new Map<string, Set<Listener>>();
  private readonly visibility = new Map<string, Set<Listener>>();
  private readonly errorListeners = new Map<string, Set<Listener>>();
  private readonly global = new Set<Listener>();
  private hidden = new Set<string>();
  private errors = new Map<string, ErrorItem>();
  private pages: string[] = [];
  /** The fields drawn now (only one step is drawn at a time): how many draw each pointer, and how. */
  private readonly drawn = new Map<string, { whole: number; container: number }>();
  private eligibility: ErrorItem[] = [];
  /** Where the form draws a list (`markList`): an answer given there before the list exists starts one. */
  private readonly lists = new Set<string>();
  private readonly hasRules: boolean;
  /** Bumped on every change: autosave compares it with what it last sent. */
  version = 0;

  constructor(
    readonly definition: Pick<ServiceDefinition, 'pages' | 'rules'>,
    data: Record<string, unknown>,
    readonly claims?: Readonly<Record<string, unknown>>,
  ) {
    this.data = data;
    this.hasRules = (definition.rules?.visibility?.length ?? 0) + (definition.rules?.eligibility?.length ?? 0) > 0;
    this.evaluateRules(false);
  }

  snapshot(): Record<string, unknown> {
    return this.data;
  }

  get(pointer: string): unknown {
    return readPointer(this.data, pointer);
  }

  set(pointer: string, value: unknown): void {
    // A NUL character (pasted from a PDF, say) is never part of an answer, and the server refuses any request holding
    // one (400 NUL_CHARACTER): taken out as it arrives, so the draft keeps saving. Half a surrogate pair (400
    // UNPAIRED_SURROGATE) is no character either: shown as U+FFFD, as a UTF-8 page would.
    if (typeof value === 'string' && value.includes('\u0000')) value = value.replaceAll('\u0000', '');
    if (typeof value === 'string' && LONE_SURROGATE.test(value))
      value = value.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
    const previous = this.get(pointer);
    if (previous === value) return;
    const segments = parseJsonPointer(pointer);
    const isList = (depth: number) => this.lists.has(toJsonPointer(segments.slice(0, depth)));
    this.data = setIn(this.data, segments, value, isList) as Record<string, unknown>;
    this.version++;
    this.notifyValue(pointer, isContainer(value) || isContainer(previous));
    if (this.hasRules) this.evaluateRules(true);
    for (const listener of this.global) listener();
  }

  /** Replaces every answer (a draft reloaded): every field is told. */
  replace(data: Record<string, unknown>): void {
    this.data = data;
    this.version++;
    for (const set of this.values.values()) for (const listener of set) listener();
    this.evaluateRules(true);
    for (const listener of this.global) listener();
  }

  isHidden(pointer: string): boolean {
    return this.hidden.has(pointer);
  }

  visiblePageIds(): string[] {
    return this.pages;
  }

  blockingRules(): ErrorItem[] {
    return this.eligibility;
  }

  error(pointer: string): ErrorItem | undefined {
    return this.errors.get(pointer);
  }

  allErrors(): ErrorItem[] {
    return [...this.errors.values()];
  }

  setErrors(items: ErrorItem[]): void {
    const before = this.errors;
    this.errors = new Map();
    for (const item of items) if (!this.errors.has(item.pointer ?? '')) this.errors.set(item.pointer ?? '', item);
    const touched = new Set([...before.keys(), ...this.errors.keys()]);
    for (const pointer of touched) {
      if (before.get(pointer)?.message !== this.errors.get(pointer)?.message)
        for (const listener of this.errorListeners.get(pointer) ?? []) listener();
    }
    for (const listener of this.global) listener();
  }

  /** Forgets the error of one field (the citizen is correcting it). */
  clearError(pointer: string): void {
    if (!this.errors.has(pointer)) return;
    this.errors.delete(pointer);
    for (const listener of this.errorListeners.get(pointer) ?? []) listener();
    for (const listener of this.global) listener();
  }

  /**
   * The form draws a list at `pointer`. A tuple draws its fixed items before the citizen has answered any
   * (`prefixItems`, draft-07's `items: [...]`): the first answer given there starts a list, not a group whose keys
   * are « 0 » and « 1 » (« Position du compteur : valeur attendue : une liste » on releves-compteurs-tuples).
   */
  markList(pointer: string): void {
    this.lists.add(pointer);
  }

  /**
   * A field drawn on the page, until the returned function is called (it is no longer drawn). `whole`: it draws its
   * answer itself, down to its parts (a text, a list of boxes, a commune's search and its name); otherwise it is a
   * group, a list or a choice of branches, whose parts are drawn (or not) as fields of their own.
   */
  draw(pointer: string, whole: boolean): () => void {
    const entry = this.drawn.get(pointer) ?? { whole: 0, container: 0 };
    this.drawn.set(pointer, entry);
    if (whole) entry.whole++;
    else entry.container++;
    return () => {
      if (whole) entry.whole--;
      else entry.container--;
      if (entry.whole + entry.container === 0 && this.drawn.get(pointer) === entry) this.drawn.delete(pointer);
    };
  }

  /**
   * The errors of what is drawn now, and only those: « Continuer » checks every field on the step, those a condition
   * brought (a `then`, a dependency, a chosen branch) included, and none that is not drawn (a branch not chosen, a
   * condition that does not hold, another step's). An error belongs to a drawn field, or to a part of a field drawn
   * whole; a choice's own error (« Répondez à l’une des options ») goes when an error inside it says more.
   */
  drawnErrors(items: readonly ErrorItem[]): ErrorItem[] {
    const drawn = items.filter((item) => item.pointer !== undefined && this.isDrawn(item.pointer));
    return drawn.filter(
      (item) =>
        !CHOICE_KEYWORDS.has(item.code) ||
        !drawn.some((other) => other !== item && other.pointer!.startsWith(`${item.pointer}/`)),
    );
  }

  private isDrawn(pointer: string): boolean {
    if (this.drawn.has(pointer)) return true;
    // The nearest drawn field around it decides: one drawn whole owns its parts; a group or a choice draws its
    // own fields, so a part it does not draw is not on the page.
    for (let p = pointer; p !== '';) {
      p = p.slice(0, p.lastIndexOf('/'));
      const around = this.drawn.get(p);
      if (around) return around.whole > 0;
    }
    return false;
  }

  subscribeValue(pointer: string, listener: Listener): () => void {
    return add(this.values, pointer, listener);
  }
  subscribeVisibility(pointer: string, listener: Listener): () => void {
    return add(this.visibility, pointer, listener);
  }
  subscribeError(pointer: string, listener: Listener): () => void {
    return add(this.errorListeners, pointer, listener);
  }
  /** Any change: values, rules, errors. For autosave and the page chrome, not for fields. */
  subscribe(listener: Listener): () => void {
    this.global.add(listener);
    return () => this.global.delete(listener);
  }

  private notifyValue(pointer: string, descendants: boolean): void {
    // The field itself and its containers (an array's length, a group's summary)…
    let p = pointer;
    for (;;) {
      for (const listener of this.values.get(p) ?? []) listener();
      if (p === '') break;
      p = p.slice(0, p.lastIndexOf('/'));
    }
    // …and, when a whole group or list changed, everything inside it.
    if (descendants)
      for (const [key, set] of this.values) if (key.startsWith(`${pointer}/`)) for (const listener of set) listener();
  }

  private evaluateRules(notify: boolean): void {
    const input = { definition: this.definition, data: this.data, claims: this.claims };
    const hidden = new Set(hiddenPointers(input));
    const pages = visiblePages(input);
    const eligibility = eligibilityErrors(this.definition, this.data, { claims: this.claims });
    const flipped: string[] = [];
    if (notify) {
      for (const p of hidden) if (!this.hidden.has(p)) flipped.push(p);
      for (const p of this.hidden) if (!hidden.has(p)) flipped.push(p);
    }
    const pagesChanged = pages.join() !== this.pages.join();
    const eligibilityChanged = eligibility.map((e) => e.code).join() !== this.eligibility.map((e) => e.code).join();
    this.hidden = hidden;
    if (pagesChanged) this.pages = pages;
    if (eligibilityChanged) this.eligibility = eligibility;
    for (const pointer of flipped) for (const listener of this.visibility.get(pointer) ?? []) listener();
  }
}

function add(map: Map<string, Set<Listener>>, key: string, listener: Listener): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) map.delete(key);
  };
}

export function useValue(store: FormStore, pointer: string): unknown {
  const subscribe = useCallback((l: Listener) => store.subscribeValue(pointer, l), [store, pointer]);
  const get = () => store.get(pointer);
  // The same snapshot on the server, which draws a form's first step before the bundle runs (../server).
  return useSyncExternalStore(subscribe, get, get);
}

/** A derived primitive of a value (an array's length): re-renders only when it changes. */
export function useLength(store: FormStore, pointer: string): number {
  const subscribe = useCallback((l: Listener) => store.subscribeValue(pointer, l), [store, pointer]);
  const length = () => {
    const v = store.get(pointer);
    return Array.isArray(v) ? v.length : 0;
  };
  return useSyncExternalStore(subscribe, length, length);
}

export function useHidden(store: FormStore, pointer: string): boolean {
  const subscribe = useCallback((l: Listener) => store.subscribeVisibility(pointer, l), [store, pointer]);
  const hidden = () => store.isHidden(pointer);
  return useSyncExternalStore(subscribe, hidden, hidden);
}

/** Tells the store that this field is drawn, while it is (`on`): the step check reads it (`drawnErrors`). */
export function useDrawn(store: FormStore, pointer: string, whole: boolean, on = true): void {
  useEffect(() => (on ? store.draw(pointer, whole) : undefined), [store, pointer, whole, on]);
}

export function useFieldError(store: FormStore, pointer: string): ErrorItem | undefined {
  const subscribe = useCallback((l: Listener) => store.subscribeError(pointer, l), [store, pointer]);
  const error = () => store.error(pointer);
  return useSyncExternalStore(subscribe, error, error);
}

/** Re-renders on any change of the store (page chrome: pages, eligibility, error summary). */
export function useStoreVersion(store: FormStore, select: (s: FormStore) => unknown): unknown {
  const subscribe = useCallback((l: Listener) => store.subscribe(l), [store]);
  const selected = () => select(store);
  return useSyncExternalStore(subscribe, selected, selected);
}
