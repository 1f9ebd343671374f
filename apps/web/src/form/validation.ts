import { fullFormats } from 'ajv-formats/dist/formats';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { CUSTOM_FORMATS, type SchemaValidateFunction } from '@guichet/shared';

type CreateValidator = (runtime: unknown) => SchemaValidateFunction;

const loaded = new Map<string, Promise<SchemaValidateFunction>>();

/**
 * The published version's validator: a module the server compiled once from
 * the schema, imported from our own origin (no compiling in the page, so the
 * Content-Security-Policy needs no `unsafe-eval`). The page passes in ajv's
 * runtime helpers and the same formats as the server's.
 */
export function loadValidator(url: string): Promise<SchemaValidateFunction> {
  let promise = loaded.get(url);
  if (!promise) {
    promise = import(/* @vite-ignore */ url).then((module: { default: CreateValidator }) =>
      module.default({ ucs2length, equal, formats: { ...fullFormats, ...CUSTOM_FORMATS } }),
    );
    promise.catch(() => loaded.delete(url));
    loaded.set(url, promise);
  }
  return promise;
}
