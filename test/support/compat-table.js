#!/usr/bin/env node
/**
 * The corpus table of issue 17, from what the compatibility suites recorded
 * (var/test-results/compat.jsonl, one JSON line per form and suite, the last
 * one counting):
 *
 *   npx jest test/e2e/compat-corpus.test.ts --selectProjects e2e
 *   npx jest test/browser/compat-corpus- --selectProjects browser
 *   node test/support/compat-table.js            # markdown on stdout
 *
 * "Imported" and "agrees with RJSF" come from the API suite, "drawn" and
 * "sent" from the browser suite; a dash means that suite has not run.
 */
'use strict';
const { existsSync, readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const FILE = process.argv[2] ?? join(ROOT, 'var/test-results/compat.jsonl');
const CORPUS = join(ROOT, 'test/fixtures/compat');

const latest = new Map();
if (existsSync(FILE)) {
  for (const line of readFileSync(FILE, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const result = JSON.parse(line);
    latest.set(`${result.form}\u0000${result.suite}`, result);
  }
}

const yes = (value) => (value === undefined ? '–' : value ? 'oui' : '**non**');
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

const forms = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

const rows = [
  '| Formulaire | Importé | Ordre des clés | Dessiné | Envoyé | Réponses = RJSF | Verdict = RJSF | Remarques |',
  '|---|---|---|---|---|---|---|---|',
];
let complete = 0;
for (const form of forms) {
  const api = latest.get(`${form}\u0000e2e`);
  const web = latest.get(`${form}\u0000browser`);
  const refused = api?.refused ?? web?.refused;
  const imported = refused ? `refusé (${refused})` : yes(api?.imported ?? web?.imported);
  const notes = [api?.detail, web?.detail].filter(Boolean).join(' — ');
  if (refused || (api?.keyOrder && api?.agrees && web?.drawn && web?.sent && web?.storedEqual)) complete++;
  rows.push(
    `| ${form} | ${cell(imported)} | ${yes(api?.keyOrder)} | ${yes(web?.drawn)} | ${yes(web?.sent)} | ${yes(
      web?.storedEqual,
    )} | ${yes(api?.agrees)} | ${cell(notes.length > 400 ? `${notes.slice(0, 400)}…` : notes)} |`,
  );
}
process.stdout.write(
  `${rows.join('\n')}\n\n${complete} formulaires sur ${forms.length} de bout en bout (ou refusés pour une raison de sûreté documentée).\n`,
);
