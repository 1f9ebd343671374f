import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import {
  CUSTOM_FORMATS,
  RJSF_FORMATS,
  checkAnswers,
  labelOf,
  type SchemaValidateFunction,
  type ServiceDefinition,
} from '@guichet/shared';
import { STANDARD_FUNCTION_FORMATS } from './standard-formats';

type CreateValidator = (runtime: unknown) => SchemaValidateFunction | null;
interface ValidatorModule {
  default: CreateValidator;
  /** Absent from modules compiled before draft schemas existed (cached for a year by hash). */
  createDraftValidator?: CreateValidator;
}

const loaded = new Map<string, Promise<SchemaValidateFunction>>();

/**
 * The published version's validators: a module the server compiled once
 * from the schema and its draft schema, imported from our own origin (no
 * compiling in the page, so the Content-Security-Policy needs no
 * `unsafe-eval`). The page passes in ajv's runtime helpers and the same
 * formats as the server's. The submit validator comes back carrying its
 * draft twin (`validate.draft`), which `checkAnswers` uses for saves: the
 * page and the server give the same draft verdict. The formats that are
 * regular expressions are written into the module itself; the page passes
 * those that are functions (./standard-formats.ts).
 */
export function loadValidator(url: string): Promise<SchemaValidateFunction> {
  let promise = loaded.get(url);
  if (!promise) {
    promise = import(/* @vite-ignore */ url).then((module: ValidatorModule) => {
      const runtime = {
        ucs2length,
        equal,
        formats: { ...STANDARD_FUNCTION_FORMATS, ...CUSTOM_FORMATS, ...RJSF_FORMATS },
      };
      const submit = module.default(runtime);
      if (!submit) throw new Error('validator module without a submit validator');
      submit.draft = module.createDraftValidator?.(runtime) ?? null;
      return submit;
    });
    promise.catch(() => loaded.delete(url));
    loaded.set(url, promise);
  }
  return promise;
}

/**
 * What « Continuer » runs, once, on the answers as they are, for nothing: the validator's first call on a large
 * form, and the first run of the code around it (blank answers, messages, the summary's labels), cost milliseconds
 * the citizen would wait for at their first failed step (issue 22). Called when the browser is idle.
 */
export function warmUpCheck(
  validate: SchemaValidateFunction,
  definition: ServiceDefinition,
  data: unknown,
  locale: 'fr' | 'en',
): void {
  const outcome = checkAnswers(validate, definition, data, { mode: 'submit', locale });
  const root = definition.schema as Record<string, unknown>;
  const ui = (definition.uiSchema ?? {}) as Record<string, unknown>;
  for (const error of outcome.errors.slice(0, 20)) if (error.pointer) labelOf(root, ui, error.pointer);
}
