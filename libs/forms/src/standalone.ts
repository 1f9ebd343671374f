import type Ajv2020 from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import type { ServiceDefinition } from '@guichet/shared';
import { createAjv } from './ajv';
import { draftSchema } from './draft-schema';

/** The ajv runtime helpers a generated validator may call; the page passes them in. */
export const RUNTIME_HELPERS = ['ucs2length', 'equal'] as const;

/**
 * A published version's validators as an ES module the citizen's browser
 * imports from our own origin: the schemas are compiled here, once, so the
 * page never compiles anything and the Content-Security-Policy needs no
 * `unsafe-eval`. The module exports `createValidator(runtime)` (default: the
 * published schema, for submit) and `createDraftValidator(runtime)` (the
 * draft schema, for saves; null when the version has none and drafts are
 * checked by ignoring completeness errors), where `runtime` is
 * `{ ucs2length, equal, formats }` (ajv's runtime helpers, and the formats
 * that are functions: ajv-formats' `date`, `date-time`, `uri`… and Guichet's
 * French ones; ajv writes those that are regular expressions into the module).
 * Each factory has its own scope: two compilations, no shared names.
 */
export function browserValidatorModule(definition: Pick<ServiceDefinition, 'schema'>, contentHash: string): string {
  // A definition's schema passed checkDefinition; its draft schema is derived here, so ajv still checks that one.
  const submit = factoryBody(definition.schema, createAjv({ target: 'browser', checked: true }));
  const draft = draftSchema(definition.schema);
  const draftBody = draft === null ? null : tryFactoryBody(draft);
  return (
    `// Guichet: validators of the definition ${contentHash}. Generated; do not edit.\n` +
    `export default function createValidator(runtime) {\n${submit}\n}\n` +
    `export function createDraftValidator(runtime) {\n${draftBody ?? 'return null;'}\n}\n`
  );
}

/** Same fallback as the server's (validator.ts): a draft schema ajv refuses means no draft validator. */
function tryFactoryBody(schema: unknown): string | null {
  try {
    return factoryBody(schema);
  } catch {
    return null;
  }
}

/**
 * ajv's standalone code for `schema`, as the body of a function of `runtime`
 * that returns the validator. `ajv` (default: the browser's) must take its
 * formats from `runtime.formats` and, if it has a regExp engine other than
 * RegExp, name it by `runtime.<helper>` (the server's cached validators do).
 */
export function factoryBody(schema: unknown, ajv: Ajv2020 = createAjv({ target: 'browser' })): string {
  const code = standaloneCode(ajv, ajv.compile(schema as object));
  const name = /export default (\w+);/.exec(code)?.[1];
  if (!name) throw new Error('unexpected standalone code: no default export');
  const body = code
    .replace(/^"use strict";/, '')
    .replace(/export const validate = \w+;/, '')
    .replace(/export default \w+;/, '')
    .replace(/require\("ajv\/dist\/runtime\/(\w+)"\)\.default/g, (_whole, helper: string) => {
      if (!(RUNTIME_HELPERS as readonly string[]).includes(helper))
        throw new Error(`standalone code needs an unknown helper: ${helper}`);
      return `runtime.${helper}`;
    });
  if (/\brequire\(|\beval\(|\bFunction\(/.test(body)) throw new Error('standalone code must not load or evaluate code');
  return `${body}\nreturn ${name};`;
}
