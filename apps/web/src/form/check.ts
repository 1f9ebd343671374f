/**
 * What checks a citizen's answers in the page, a chunk of its own (./validation.ts, `checkOf`): ajv's runtime
 * helpers and the formats that are functions, which the version's validator module is made with, and `checkAnswers`
 * with every error message in French and English. Opening a form needs none of it: the page fetches it once the form
 * is open, when the browser is idle, and « Continuer » or the first autosave wait for it only if it is not there yet
 * (issue 22: 7.2 kB gzip off the JavaScript that opens a form).
 */
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import {
  CUSTOM_FORMATS,
  RJSF_FORMATS,
  checkAnswers,
  type SchemaValidateFunction,
  type ServiceDefinition,
  type ValidateOptions,
  type ValidationOutcome,
} from '@guichet/shared';
import { STANDARD_FUNCTION_FORMATS } from './standard-formats';

type CreateValidator = (runtime: unknown) => SchemaValidateFunction | null;
export interface ValidatorModule {
  default: CreateValidator;
  /** Absent from modules compiled before draft schemas existed (cached for a year by hash). */
  createDraftValidator?: CreateValidator;
}

/** The answers checked against the version, as `checkAnswers` does on the server. */
export type Check = (data: unknown, options: ValidateOptions) => ValidationOutcome;

/**
 * The version's validators made from their module: the page passes in ajv's runtime helpers and the same formats as
 * the server's. The formats that are regular expressions are written into the module itself; the page passes those
 * that are functions (./standard-formats.ts). The submit validator carries its draft twin (`validate.draft`), which
 * `checkAnswers` uses for saves: the page and the server give the same draft verdict.
 */
export function checkWith(module: ValidatorModule, definition: ServiceDefinition): Check {
  const runtime = {
    ucs2length,
    equal,
    formats: { ...STANDARD_FUNCTION_FORMATS, ...CUSTOM_FORMATS, ...RJSF_FORMATS },
  };
  const submit = module.default(runtime);
  if (!submit) throw new Error('validator module without a submit validator');
  submit.draft = module.createDraftValidator?.(runtime) ?? null;
  return (data, options) => checkAnswers(submit, definition, data, options);
}
