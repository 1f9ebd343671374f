// @ts-check
/* global document */
/**
 * The baseline: RJSF's default theme (@rjsf/core) with its ajv 8 validator
 * (@rjsf/validator-ajv8) on the same schema and uiSchema, the way its
 * documentation shows it: an uncontrolled <Form>, the error list at the top,
 * focus on the first field in error when a submit fails. The only changes: a
 * "Continuer" button instead of "Submit", an `onError` that does nothing
 * instead of logging 50 errors to the console, and the web app's stylesheet,
 * so that both pages lay out and paint under the same rules.
 */
import { Fragment, StrictMode, createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import Form from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import '../../../apps/web/src/styles.css';

/** @typedef {{ schema: import('@rjsf/utils').RJSFSchema, uiSchema?: import('@rjsf/utils').UiSchema }} Definition */

/** @param {{ definition: Definition }} props */
function Step({ definition }) {
  return h(
    Fragment,
    null,
    h('h1', null, 'Banc d’essai : un formulaire de 300 champs'),
    h(
      Form,
      {
        schema: definition.schema,
        uiSchema: definition.uiSchema,
        validator,
        noHtml5Validate: true,
        showErrorList: 'top',
        focusOnFirstError: true,
        onError: () => undefined,
      },
      h('div', { className: 'actions' }, h('button', { type: 'submit', className: 'button' }, 'Continuer')),
    ),
  );
}

async function main() {
  const response = await fetch('/definition.json');
  const { definition } = /** @type {{ definition: Definition }} */ (await response.json());
  const container = document.getElementById('root');
  if (!container) throw new Error('no #root');
  createRoot(container).render(h(StrictMode, null, h(Step, { definition })));
}

main().catch((/** @type {unknown} */ error) => {
  document.body.textContent = `Le banc d’essai n’a pas pu démarrer : ${String(error)}`;
  throw error;
});
