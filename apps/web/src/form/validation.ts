import { labelOf, type ServiceDefinition } from '@guichet/shared';
import type { Check, ValidatorModule } from './check';

export type { Check } from './check';

const modules = new Map<string, Promise<ValidatorModule>>();

/**
 * The published version's validator module: compiled once by the server from the schema and its draft schema,
 * imported from our own origin (no compiling in the page, so the Content-Security-Policy needs no `unsafe-eval`). The
 * page preloads it and `loadForm` waits for it, so a form whose validator cannot load says so as it opens.
 */
export function loadValidatorModule(url: string): Promise<ValidatorModule> {
  let promise = modules.get(url);
  if (!promise) {
    promise = import(/* @vite-ignore */ url) as Promise<ValidatorModule>;
    promise.catch(() => modules.delete(url));
    modules.set(url, promise);
  }
  return promise;
}

/** The version's check: at hand once its code has loaded, else loaded (and made) on demand. */
export interface CheckLoader {
  load(): Promise<Check>;
  /** The check if its code has loaded: « Continuer » then checks at once, in the click's own task. */
  loaded(): Check | null;
}

/**
 * The version's check, made once from its validator module and the check's own chunk (./check.ts), which opening a
 * form does not wait for: the first `load` fetches it (the form page's warm-up, when the browser is idle after the
 * first paint, `warmUpCheck`). A load that fails is tried again at the next.
 */
export function checkOf(url: string, definition: ServiceDefinition): CheckLoader {
  let made: Promise<Check> | null = null;
  let ready: Check | null = null;
  return {
    load() {
      if (!made) {
        made = Promise.all([import('./check'), loadValidatorModule(url)]).then(([code, module]) => {
          ready = code.checkWith(module, definition);
          return ready;
        });
        made.catch(() => (made = null));
      }
      return made;
    },
    loaded: () => ready,
  };
}

/**
 * What « Continuer » runs, once, on the answers as they are, for nothing: the validator's first call on a large
 * form, and the first run of the code around it (blank answers, messages, the summary's labels), cost milliseconds
 * the citizen would wait for at their first failed step (issue 22). Called when the browser is idle.
 */
export function warmUpCheck(check: Check, definition: ServiceDefinition, data: unknown, locale: 'fr' | 'en'): void {
  const outcome = check(data, { mode: 'submit', locale });
  const root = definition.schema as Record<string, unknown>;
  const ui = (definition.uiSchema ?? {}) as Record<string, unknown>;
  for (const error of outcome.errors.slice(0, 20)) if (error.pointer) labelOf(root, ui, error.pointer);
}
