/**
 * The workflow check's vocabulary: where a problem is, how a value the
 * designer wrote is quoted back, and the shape checks every section uses
 * (a type, the allowed keys, a required key, a bounded text, an identifier,
 * a list without repeats), each recording its problem in French.
 */
import { toJsonPointer } from '../json-pointer';
import { IDENTIFIER } from './types';

export interface WorkflowProblem {
  /** RFC 6901, from the definition's root: `/workflow/transitions/3/to`. */
  pointer: string;
  code: string;
  /** In French, for the designer. */
  message: string;
}

export type Path = ReadonlyArray<string | number>;
export type Json = Record<string, unknown>;

/** Past this many, more problems say nothing new: the designer has the wrong file. */
export const MAX_PROBLEMS = 500;
export const ROOT = ['workflow'] as const;

export const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
export const isText = (v: unknown): v is string => typeof v === 'string';

/** A name as the designer wrote it, short enough for a message. */
export function q(value: unknown): string {
  if (typeof value !== 'string')
    return value === null || typeof value !== 'object'
      ? `« ${String(value)} »`
      : Array.isArray(value)
        ? '(une liste)'
        : '(un objet)';
  return `« ${value.length > 60 ? value.slice(0, 60) + '…' : value} »`;
}

export function typeName(expected: 'object' | 'array' | 'string' | 'boolean'): string {
  return { object: 'un objet', array: 'une liste', string: 'un texte', boolean: 'true ou false' }[expected];
}

/** Collects the problems of one check, in the order they are found, up to MAX_PROBLEMS. */
export class ShapeChecks {
  constructor(readonly problems: WorkflowProblem[]) {}

  fail(path: Path, code: string, message: string): void {
    if (this.problems.length <= MAX_PROBLEMS) this.problems.push({ pointer: toJsonPointer(path), code, message });
  }

  expect(value: unknown, expected: 'object' | 'array' | 'string' | 'boolean', path: Path): boolean {
    const ok =
      expected === 'object' ? isObject(value) : expected === 'array' ? Array.isArray(value) : typeof value === expected;
    if (!ok) this.fail(path, 'type', `Valeur attendue : ${typeName(expected)}.`);
    return ok;
  }

  onlyKeys(node: Json, allowed: readonly string[], path: Path, what: string): void {
    for (const key of Object.keys(node)) {
      if (!allowed.includes(key))
        this.fail([...path, key], 'additionalProperties', `${q(key)} n’est pas prévu ${what} (${allowed.join(', ')}).`);
    }
  }

  required(node: Json, key: string, path: Path, message: string): boolean {
    if (own(node, key) && node[key] !== undefined) return true;
    this.fail([...path, key], 'required', message);
    return false;
  }

  text(value: unknown, path: Path, max: number, what: string): void {
    if (!this.expect(value, 'string', path)) return;
    const s = value as string;
    if (s.trim() === '') this.fail(path, 'minLength', `${what} ne peut pas être vide.`);
    else if (s.length > max) this.fail(path, 'maxLength', `${what} : ${max} caractères au plus.`);
  }

  identifier(name: string, path: Path, what: string): void {
    if (!IDENTIFIER.test(name))
      this.fail(
        path,
        'bad_identifier',
        `${what} ${q(name)} : une lettre minuscule, puis des minuscules, chiffres ou « _ » (40 caractères au plus).`,
      );
  }

  /** A non-empty list without repeats; `each` checks the items. */
  list(value: unknown, path: Path, what: string, each: (item: unknown, j: number) => void): void {
    if (!this.expect(value, 'array', path)) return;
    const items = value as unknown[];
    if (items.length === 0) return this.fail(path, 'minItems', `Indiquez au moins un ${what}.`);
    const seen = new Set<unknown>();
    items.forEach((item, j) => {
      if (seen.has(item)) return this.fail([...path, j], 'uniqueItems', `${q(item)} figure deux fois.`);
      seen.add(item);
      each(item, j);
    });
  }
}
