// @ts-check
/* global document */
/**
 * The floor of the first-paint benchmark (bench/first-paint.bench.ts): a
 * bare React page that fetches the same /definition.json and draws each of
 * the 300 properties as a label and a plain input, with the web app's
 * stylesheet; no validation, no widgets. Its ids are ours (#champ-<key>), so
 * bench/forms/probe.js finds the last field.
 */
import { StrictMode, createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import '../../../apps/web/src/styles.css';

/** @param {{ schema: { properties: Record<string, { title?: string }> } }} props */
function Step({ schema }) {
  return h(
    'form',
    null,
    h('h1', null, 'Banc d’essai : un formulaire de 300 champs'),
    ...Object.entries(schema.properties).map(([key, property]) =>
      h(
        'div',
        { key, className: 'field' },
        h('label', { htmlFor: `champ-${key}` }, property.title ?? key),
        h('input', { id: `champ-${key}`, name: key }),
      ),
    ),
  );
}

async function main() {
  const response = await fetch('/definition.json');
  const { definition } = /** @type {{ definition: { schema: any } }} */ (await response.json());
  const container = document.getElementById('root');
  if (!container) throw new Error('no #root');
  createRoot(container).render(h(StrictMode, null, h(Step, { schema: definition.schema })));
}

void main();
