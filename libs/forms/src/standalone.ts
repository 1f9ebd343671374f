import standaloneCode from 'ajv/dist/standalone';
import type { ServiceDefinition } from '@guichet/shared';
import { createAjv } from './ajv';

/** The ajv runtime helpers a generated validator may call; the page passes them in. */
export const RUNTIME_HELPERS = ['ucs2length', 'equal'] as const;

/**
 * A published version's validator as an ES module the citizen's browser
 * imports from our own origin: the schema is compiled here, once, so the page
 * never compiles anything and the Content-Security-Policy needs no
 * `unsafe-eval`. The module exports `createValidator(runtime)`, where
 * `runtime` is `{ ucs2length, equal, formats }` (ajv's runtime helpers, and
 * ajv-formats' full formats plus Guichet's French ones).
 */
export function browserValidatorModule(definition: Pick<ServiceDefinition, 'schema'>, contentHash: string): string {
  const ajv = createAjv({ target: 'browser' });
  const code = standaloneCode(ajv, ajv.compile(definition.schema));
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
  return `// Guichet: validator of the definition ${contentHash}. Generated; do not edit.\nexport default function createValidator(runtime) {\n${body}\nreturn ${name};\n}\n`;
}
