// @ts-check
/* global document, window */
/**
 * Guichet's citizen form renderer on the benchmark's one page of 300 fields,
 * composed as FormRunner composes a step (apps/web/src/form/FormPage.tsx):
 * FormContext.Provider { store, root, prefill, signedIn }, the ErrorSummary,
 * <Fields keys={page.fields} />, and "Continuer" → the version's check (its
 * code fetched once the page is open, as the app does: checkOf) on the data,
 * { mode: 'submit' } → store.setErrors + the summary, which takes focus. The
 * definition and the validator module (the one the server would serve, from
 * browserValidatorModule) are files the bench writes next to this page,
 * fetched and imported from the same origin as the app does.
 *
 * Plain JavaScript without JSX, so that neither the server build (swc) nor the
 * server's type check (tsconfig.json) trips on it; bench/forms/tsconfig.json
 * checks it.
 */
import { StrictMode, createElement as h, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { parseJsonPointer } from '@guichet/shared';
import { FormContext } from '../../../apps/web/src/form/context';
import { ErrorSummary } from '../../../apps/web/src/form/ErrorSummary';
import { Fields } from '../../../apps/web/src/form/fields';
import { labelOf } from '../../../apps/web/src/form/model';
import { FormStore, useStoreVersion } from '../../../apps/web/src/form/store';
import { checkOf, loadValidatorModule, warmUpCheck } from '../../../apps/web/src/form/validation';
import '../../../apps/web/src/styles.css';

/**
 * @typedef {import('@guichet/shared').ServiceDefinition} ServiceDefinition
 * @typedef {import('../../../apps/web/src/form/validation').CheckLoader} CheckLoader
 * @typedef {import('@guichet/shared').ErrorItem} ErrorItem
 * @typedef {import('../../../apps/web/src/form/ErrorSummary').SummaryItem} SummaryItem
 * @typedef {Record<string, unknown>} Json
 */

/** @param {{ definition: ServiceDefinition, check: CheckLoader }} props */
function Step({ definition, check }) {
  const root = /** @type {Json} */ (definition.schema);
  const ui = /** @type {Json} */ (definition.uiSchema ?? {});
  const store = useMemo(() => new FormStore(definition, {}), [definition]);
  const pageIds = /** @type {string[]} */ (useStoreVersion(store, (s) => s.visiblePageIds()));
  const blocking = /** @type {ErrorItem[]} */ (useStoreVersion(store, (s) => s.blockingRules()));
  const page = definition.pages.filter((p) => pageIds.includes(p.id))[0] ?? definition.pages[0];
  if (!page) throw new Error('the definition has no page');

  // Autosave as FormRunner arms it: every change re-arms a 1 s timer (the save itself is not benchmarked).
  const timer = useRef(0);
  useEffect(
    () =>
      store.subscribe(() => {
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => undefined, 1000);
      }),
    [store],
  );

  const [summary, setSummary] = useState(/** @type {SummaryItem[]} */ ([]));
  const summaryRef = useRef(/** @type {HTMLDivElement | null} */ (null));
  const focusSummary = useRef(false);
  useEffect(() => {
    document.title = `${summary.length ? 'Erreur : ' : ''}${page.title} — Étape 1 sur 2 — Banc d’essai`;
  }, [summary.length, page.title]);
  useEffect(() => {
    if (focusSummary.current && summary.length) {
      focusSummary.current = false;
      summaryRef.current?.focus();
    }
  }, [summary]);

  /** @param {string} pointer */
  const onPage = (pointer) => {
    const top = parseJsonPointer(pointer)[0];
    return top !== undefined && page.fields.includes(top);
  };
  /** @param {import('react').FormEvent} event */
  const next = async (event) => {
    event.preventDefault();
    const data = store.snapshot();
    const outcome = (check.loaded() ?? (await check.load()))(data, { mode: 'submit', locale: 'fr' });
    const errors = outcome.errors.filter((e) => e.pointer && onPage(e.pointer));
    if (errors.length === 0) return;
    store.setErrors(errors);
    setSummary(errors.map((e) => ({ ...e, label: e.pointer ? labelOf(root, ui, e.pointer) : '' })));
    focusSummary.current = true;
  };

  const context = useMemo(
    () => ({ store, root, prefill: definition.settings.prefill ?? [], signedIn: false, formId: 'etape-formulaire' }),
    [store, root, definition],
  );
  return h(
    FormContext.Provider,
    { value: context },
    h('h1', null, 'Banc d’essai : un formulaire de 300 champs'),
    h(ErrorSummary, { ref: summaryRef, items: summary }),
    h('h2', { tabIndex: -1, className: 'step-title' }, page.title),
    h(
      'div',
      { className: 'step-fields' },
      h('p', { className: 'hint' }, 'Les champs marqués d’un astérisque (*) sont obligatoires.'),
      h(Fields, { schema: root, ui, base: '', keys: page.fields }),
      blocking.map((b) => h('p', { className: 'notice notice--warning', role: 'status', key: b.code }, b.message)),
    ),
    h(
      'form',
      { id: 'etape-formulaire', noValidate: true, onSubmit: next, className: 'actions' },
      h('button', { type: 'submit', className: 'button' }, 'Continuer'),
    ),
  );
}

async function main() {
  const response = await fetch('/definition.json');
  const { definition, validator } = /** @type {{ definition: ServiceDefinition, validator: string }} */ (
    await response.json()
  );
  await loadValidatorModule(validator);
  const check = checkOf(validator, definition);
  // As loadForm does: the check's code loads, and its first run happens, while the citizen reads.
  window.setTimeout(() => void check.load().then((ready) => warmUpCheck(ready, definition, {}, 'fr')), 200);
  const container = document.getElementById('root');
  if (!container) throw new Error('no #root');
  createRoot(container).render(h(StrictMode, null, h(Step, { definition, check })));
}

main().catch((/** @type {unknown} */ error) => {
  document.body.textContent = `Le banc d’essai n’a pas pu démarrer : ${String(error)}`;
  throw error;
});
