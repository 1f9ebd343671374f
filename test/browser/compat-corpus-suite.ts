import { join } from 'node:path';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { getUiOptions, orderProperties, type GlobalUISchemaOptions, type UiSchema } from '@rjsf/utils';
import { axeViolations, launchBrowser, untilLive, type Browser } from '../support/browser';
import {
  loadCorpus,
  recordResult,
  resolved,
  rjsfSubmitted,
  sameAnswers,
  slugOf,
  type CompatForm,
  type Json,
  type JsonObject,
} from '../support/compat-corpus';
import {
  at,
  attr,
  conditionSwitches,
  expectedSteps,
  fill,
  positions,
  withValue,
  type Step,
} from '../support/compat-driver';
import {
  hiddenLabels,
  pointedProblems,
  receiptRows,
  unpointedProblems,
  type ReadRow,
} from '../support/compat-readback';
import { ROOT } from '../support/processes';
import { createTenant, type Tenant } from '../support/tenant';
import { startWebStack, type WebStack } from '../support/web-stack';

/** Refused on purpose by the schema policy (see test/e2e/compat-corpus.test.ts for the reasons). */
const REFUSED = new Set(['enum-objects', 'pydantic-aide-decimal', 'situation-famille-recursive']);

interface Definition {
  schema: JsonObject;
  uiSchema?: JsonObject;
  pages: Array<{ id: string; title: string; fields: string[] }>;
}

/** The answer as stored: a root the import wrapped (scalar, composition) sits under its one field. */
function wrapKey(form: CompatForm, imported: Definition): string | undefined {
  const keys = Object.keys((imported.schema.properties as JsonObject | undefined) ?? {});
  const own = Object.keys((form.schema.properties as JsonObject | undefined) ?? {});
  return keys.length === 1 && !own.includes(keys[0]!) ? keys[0] : undefined;
}

async function press(page: Page, name: string | RegExp) {
  const target = page.getByRole('button', { name }).or(page.getByRole('link', { name })).first();
  await target.focus();
  await page.keyboard.press('Enter');
}

const topKey = (pointer: string, base: string) =>
  pointer.slice(base.length).split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * Every corpus form in Chromium: imported and published, opened as an
 * anonymous citizen, each field RJSF would draw for the sample answer
 * checked on the page in RJSF's order, the answer filled through the page
 * (conditions switched back and forth on the way), reviewed and sent; the
 * stored answer must be what RJSF would submit, and axe must find nothing on
 * any page seen.
 *
 * The corpus is cut into `shards` files (test/browser/compat-corpus-*.test.ts) that jest runs side by side: one file
 * of 70 forms took 13 minutes of a browser tier whose other files were done long before. A form's shard is its
 * place in the corpus' name order modulo `shards`, so new forms spread over the files without a list to keep.
 */
export function describeCompatInBrowser(shard: number, shards: number): void {
  describe(`compatibility corpus in the browser (${shard + 1} of ${shards})`, () => {
    let web: WebStack;
    let browser: Browser;
    let designer: Tenant;
    const corpus = loadCorpus().filter((_form, i) => i % shards === shard);

    beforeAll(async () => {
      web = await startWebStack();
      designer = await createTenant(web.stack, 'designer');
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await web?.close();
    });

    it.each(corpus.filter((f) => !REFUSED.has(f.name)).map((f) => [f.name, f] as const))(
      '%s: drawn in RJSF’s order, filled through the page, sent as RJSF would send it',
      async (_name, form) => {
        const slug = slugOf(form);
        const problems: string[] = [];
        const axe: string[] = [];
        let drawn = true;
        let sent = false;
        let storedEqual = false;
        // What the citizen reads back (review page, receipt), against what RJSF's semantics imply.
        const readBack: string[] = [];
        const result = () => ({
          form: form.name,
          suite: 'browser' as const,
          imported: true,
          drawn,
          sent,
          storedEqual,
          readBack: readBack.length === 0,
          detail: [...problems, ...readBack, ...axe].join(' | ') || undefined,
        });
        const imported = await request(web.stack.url)
          .post('/api/v1/services/import')
          .set('Authorization', designer.auth)
          .send({
            organisationId: designer.organisationId,
            file: { schema: form.schema, uiSchema: form.uiSchema },
            slug,
            title: form.title,
          });
        if (imported.status !== 201) {
          recordResult({ form: form.name, suite: 'browser', imported: false, detail: `import ${imported.status}` });
          throw new Error(`import refusé : ${JSON.stringify(imported.body)}`);
        }
        await request(web.stack.url)
          .post(`/api/v1/services/${slug}/publish`)
          .set('Authorization', designer.auth)
          .expect(201);
        const definition = imported.body.draft as Definition;
        const key = wrapKey(form, definition);
        const base = key ? `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` : '';
        const wrap = (data: Json): Json => (key ? { [key]: data } : data);
        // Groups are checked through their fields (an item's fieldset carries no pointer of its own).
        const drawnSteps = (data: Json) =>
          expectedSteps(form.schema, form.uiSchema, data, base).filter((s) => s.pointer !== base && s.kind !== 'group');
        const expected = drawnSteps(form.formData);
        // A root field only a condition brings (a root `if`, an `allOf` part) is on no page: it is drawn after the
        // field it follows in RJSF's order, on that field's page (docs/definition-format.md); the last page's if none.
        const rootOrder = orderProperties(
          Object.keys((resolved(form.schema, form.schema, form.formData).properties as JsonObject | undefined) ?? {}),
          form.uiSchema?.['ui:order'] as string[] | undefined,
        ).filter((k) => k !== '*');
        const pagedAs = (top: string): string => {
          if (definition.pages.some((p) => p.fields.includes(top))) return top;
          for (let i = rootOrder.indexOf(top) - 1; i >= 0; i--)
            if (definition.pages.some((p) => p.fields.includes(rootOrder[i]!))) return rootOrder[i]!;
          return definition.pages[definition.pages.length - 1]!.fields[0] ?? top;
        };

        const page = await browser.context.newPage();
        const check = async (where: string) => {
          for (const v of await axeViolations(page)) axe.push(`axe (${where}) ${v}`);
        };
        try {
          await page.goto(`${web.base}/demarches/${slug}`);
          await page.getByRole('heading', { level: 1 }).first().waitFor();
          await untilLive(page);
          await check('présentation');
          await press(page, /^Commencer/);
          await page.waitForURL(/brouillon=/);
          const draftId = new URL(page.url()).searchParams.get('brouillon')!;
          const seen = new Set<string>();

          for (let step = 0; step < 20; step++) {
            const heading = page.locator('h2.step-title');
            await heading.waitFor();
            const title = (await heading.textContent())!;
            if (title === 'Vérifiez vos réponses') break;
            const pageId = new URL(page.url()).searchParams.get('etape') ?? definition.pages[0]!.id;
            const here = definition.pages.find((p) => p.id === pageId) ?? definition.pages[0]!;
            const last = here === definition.pages[definition.pages.length - 1];
            const onPage = (s: Step) => {
              const top = key ?? topKey(s.pointer, base);
              return top === undefined ? last : here.fields.includes(pagedAs(top));
            };

            // A list of groups with `minItems` opens that many items before the citizen adds any, as RJSF does (its
            // defaults pad the list; items are groups whatever spells them: `type`, a `$ref`, `allOf` parts). Lists of
            // single answers start empty here, on purpose (docs/definition-format.md).
            for (const s of expected.filter((m) => m.kind === 'array' && onPage(m))) {
              const min = typeof s.schema.minItems === 'number' ? s.schema.minItems : 0;
              const items = s.schema.items;
              if (min === 0 || Array.isArray(s.schema.prefixItems) || items === null || typeof items !== 'object')
                continue;
              const item = resolved(form.schema, items as JsonObject, null);
              // A list of lists of groups (weeks of days): RJSF's defaults open each inner list of an item they
              // create to its own `minItems` too.
              const inner =
                item.type === 'array' &&
                item.items !== null &&
                typeof item.items === 'object' &&
                !Array.isArray(item.items)
                  ? resolved(form.schema, item.items as JsonObject, null)
                  : null;
              const innerMin = inner?.type === 'object' && typeof item.minItems === 'number' ? item.minItems : 0;
              if (item.type !== 'object' && innerMin === 0) continue;
              const list = page.locator(`.repeat[data-pointer="${attr(s.pointer)}"]`).first();
              if ((await list.count()) === 0) continue;
              const open = await list.locator(':scope > .item').count();
              if (open < min)
                problems.push(`${s.pointer} : ${open} élément(s) ouvert(s), RJSF en ouvre ${min} (minItems)`);
              for (let i = 0; i < Math.min(open, min) && innerMin > 0; i++) {
                const nested = await page
                  .locator(`.repeat[data-pointer="${attr(`${s.pointer}/${i}`)}"] > .item`)
                  .count();
                if (nested < innerMin)
                  problems.push(
                    `${s.pointer}/${i} : ${nested} élément(s) ouvert(s), RJSF en ouvre ${innerMin} (minItems)`,
                  );
              }
            }
            // A switch to another branch that is a group opens its lists of groups to their `minItems`, as RJSF's
            // defaults pad them when it switches options; the fill below chooses the sample's branch again.
            for (const s of expected.filter((m) => m.kind === 'branch' && onPage(m))) {
              const keyword = Array.isArray(s.schema.oneOf) ? 'oneOf' : 'anyOf';
              const branches = (s.schema[keyword] ?? []) as JsonObject[];
              const listed = Array.isArray(s.ui[keyword]) ? (s.ui[keyword] as JsonObject[]) : [];
              const selector = page
                .locator(`.alternatives[data-pointer="${attr(s.pointer)}"] .alternatives-choice`)
                .first();
              if ((await selector.count()) === 0) continue;
              for (const [i, branch] of branches.entries()) {
                const shape = resolved(form.schema, branch, {});
                const name =
                  typeof listed[i]?.['ui:title'] === 'string'
                    ? (listed[i]!['ui:title'] as string)
                    : typeof shape.title === 'string'
                      ? shape.title
                      : `Option ${i + 1}`;
                if (name === s.branch || shape.type !== 'object') continue;
                const lists = Object.entries((shape.properties ?? {}) as Record<string, JsonObject>).filter(([, p]) => {
                  const list = resolved(form.schema, p, null);
                  return (
                    typeof list.minItems === 'number' &&
                    list.minItems > 0 &&
                    list.items !== null &&
                    typeof list.items === 'object' &&
                    !Array.isArray(list.items) &&
                    resolved(form.schema, list.items as JsonObject, null).type === 'object'
                  );
                });
                if (lists.length === 0) continue;
                const radio = selector.getByRole('radio', { name, exact: true });
                if ((await radio.count()) === 0) continue;
                await radio.first().check();
                await page.waitForTimeout(200);
                for (const [key, p] of lists) {
                  const min = resolved(form.schema, p, null).minItems as number;
                  const pointer = `${s.pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
                  const open = await page.locator(`.repeat[data-pointer="${attr(pointer)}"] > .item`).count();
                  if (open < min)
                    problems.push(
                      `branche « ${name} » : ${pointer} ouvre ${open} élément(s), RJSF en ouvre ${min} (minItems)`,
                    );
                }
              }
            }
            // Conditions first, back and forth: the dependent fields come and go, what still applies stays.
            for (const toggle of conditionSwitches(form.schema, form.formData).map((t) => ({
              ...t,
              pointer: base + t.pointer,
            }))) {
              const step0 = expected.find((s) => s.pointer === toggle.pointer);
              if (!step0 || !onPage(step0)) continue;
              const dataPointer = toggle.pointer.slice(base.length);
              const otherData = withValue(form.formData, dataPointer, toggle.other);
              const before = new Set(expected.map((s) => s.pointer));
              const after = new Set(drawnSteps(otherData).map((s) => s.pointer));
              // What the page shows now (answers not given yet may hold back some of the sample's fields):
              // that, and only that, must come back when the condition is switched back.
              const shown = new Set<string>();
              for (const p of before) if ((await at(page, p).count()) > 0) shown.add(p);
              const problem = await fill(page, { ...step0, value: toggle.other });
              if (problem) problems.push(`condition ${problem}`);
              await page.waitForTimeout(200);
              for (const gone of [...before].filter((p) => !after.has(p) && !p.startsWith(`${toggle.pointer}/`)))
                if ((await at(page, gone).count()) > 0)
                  problems.push(`condition ${dataPointer}=${JSON.stringify(toggle.other)} : ${gone} toujours affiché`);
              for (const come of [...after].filter((p) => !before.has(p)))
                if ((await at(page, come).count()) === 0)
                  problems.push(`condition ${dataPointer}=${JSON.stringify(toggle.other)} : ${come} n’apparaît pas`);
              await check(`condition ${dataPointer} basculée`);
              await fill(page, step0);
              await page.waitForTimeout(200);
              for (const back of shown)
                if (expected.find((s) => s.pointer === back && onPage(s)) && (await at(page, back).count()) === 0)
                  problems.push(`condition ${dataPointer} rétablie : ${back} ne revient pas`);
            }

            // Fill in RJSF's order; arrays grow with « Ajouter » before their items are filled.
            for (const s of expectedSteps(form.schema, form.uiSchema, form.formData, base).filter(onPage)) {
              const problem = await fill(page, s);
              if (problem) problems.push(problem);
            }
            // Every field RJSF draws for the answer is here, with its label, in RJSF's order.
            const mine = expected.filter(onPage);
            const found = await positions(
              page,
              mine.map((s) => s.pointer),
            );
            mine.forEach((s, i) => {
              if (found[i] === -1) {
                drawn = false;
                problems.push(`non dessiné : ${s.pointer}${s.label ? ` (« ${s.label} »)` : ''}`);
              }
            });
            for (const s of mine.filter(
              (m) => m.label && (m.kind !== 'branch' || m.group) && m.kind !== 'array' && m.kind !== 'group',
            )) {
              if (seen.has(s.pointer) || (await at(page, s.pointer).count()) === 0) continue;
              seen.add(s.pointer);
              const text = ((await at(page, s.pointer).textContent()) ?? '').replace(/\s+/g, ' ');
              if (!text.includes(s.label!.replace(/\*\*|\*|`/g, ''))) {
                drawn = false;
                problems.push(`libellé de ${s.pointer} : « ${s.label} » absent (lu « ${text.slice(0, 60)} »)`);
              }
              // ui:help and ui:description (RJSF's, over the schema's description) are drawn with the field: their
              // words, Markdown marks aside.
              const words = (v: string) =>
                v
                  .replace(/[*_`#>[\]()]/g, '')
                  .replace(/\s+/g, ' ')
                  .trim();
              for (const option of ['ui:help', 'ui:description'] as const) {
                const wanted = s.ui[option];
                if (typeof wanted !== 'string' || !wanted) continue;
                const start = words(wanted).slice(0, 30);
                if (!words(text).includes(start)) {
                  drawn = false;
                  problems.push(`${option} de ${s.pointer} : « ${start} » absent (lu « ${text.slice(0, 80)} »)`);
                }
              }
            }
            // RJSF's `label` option (`ui:label`, `ui:options`, the root's `ui:globalOptions`: getUiOptions): a text
            // field RJSF draws without its label has it visually hidden here, never removed (its accessible name);
            // any other keeps it in view. A list without `removable` offers no « Retirer ».
            const globalOptions = (
              form.uiSchema['ui:globalOptions'] !== null &&
              typeof form.uiSchema['ui:globalOptions'] === 'object' &&
              !Array.isArray(form.uiSchema['ui:globalOptions'])
                ? form.uiSchema['ui:globalOptions']
                : {}
            ) as GlobalUISchemaOptions;
            for (const s of mine.filter((m) => m.kind === 'text' && m.label)) {
              if ((await at(page, s.pointer).count()) === 0) continue;
              const label = await at(page, s.pointer).evaluate((field) => {
                // The answer's own box: a choice around it (Pydantic's `Optional`) shares its pointer, and its
                // options are inputs too.
                const input = Array.from(field.querySelectorAll('input, textarea')).find(
                  (box) => !box.closest('.alternatives-choice'),
                );
                const own = input?.id ? field.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
                const box = own?.getBoundingClientRect();
                return { text: own?.textContent ?? '', visible: !!box && box.width > 1 && box.height > 1 };
              });
              const hidden = getUiOptions(s.ui as UiSchema, globalOptions).label === false;
              const name = s.ownLabel ?? s.label!;
              if (!label.text.includes(name.replace(/\*\*|\*|`/g, '')))
                problems.push(`${s.pointer} : sans libellé accessible (« ${name} » attendu)`);
              else if (label.visible === hidden)
                problems.push(
                  `${s.pointer} : libellé ${hidden ? 'visible alors que RJSF le cache' : 'caché alors que RJSF le montre'}`,
                );
            }
            for (const s of mine.filter((m) => m.kind === 'array')) {
              if (getUiOptions(s.ui as UiSchema, globalOptions).removable !== false) continue;
              const remove = await at(page, s.pointer)
                .getByRole('button', { name: /Retirer/ })
                .count();
              if (remove > 0) problems.push(`${s.pointer} : « Retirer » offert alors que « removable » vaut false`);
            }
            // `ui:enumDisabled`: RJSF's widgets read it from the field's own options (getUiOptions; for a multiple
            // choice, the list's, never its items', which only name the boxes): those choices are drawn and cannot be
            // chosen, every other one can.
            for (const s of mine.filter((m) => (m.kind === 'choice' || m.kind === 'multi') && m.options)) {
              const disabled = getUiOptions(s.ui as UiSchema, globalOptions).enumDisabled;
              if (!Array.isArray(disabled) || (await at(page, s.pointer).count()) === 0) continue;
              for (const o of s.options!) {
                const wanted = disabled.some((d) => JSON.stringify(d) === JSON.stringify(o.value));
                const control = at(page, s.pointer)
                  .getByRole(s.kind === 'multi' ? 'checkbox' : 'radio', { name: o.label, exact: true })
                  .or(
                    at(page, s.pointer)
                      .locator('option')
                      .filter({ hasText: new RegExp(`^${o.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
                  )
                  .first();
                if ((await control.count()) === 0) continue;
                const drawn = await control.evaluate((e) => (e as unknown as { disabled: boolean }).disabled);
                if (drawn !== wanted)
                  problems.push(
                    `${s.pointer} : « ${o.label} » ${wanted ? 'peut être choisi alors que RJSF le désactive (ui:enumDisabled)' : 'désactivé alors que RJSF le propose'}`,
                  );
              }
            }
            // A list without `addable` offers no « Ajouter » once it holds its `minItems` (below them, it must, or the
            // form could not be filled: RJSF opens those items itself).
            for (const s of mine.filter((m) => m.kind === 'array')) {
              if (getUiOptions(s.ui as UiSchema, globalOptions).addable !== false) continue;
              const list = page.locator(`.repeat[data-pointer="${attr(s.pointer)}"]`).first();
              const items = await list.locator(':scope > .item').count();
              const min = typeof s.schema.minItems === 'number' ? s.schema.minItems : 0;
              const add = await list.locator(':scope > button', { hasText: /^Ajouter/ }).count();
              if (items >= min && add > 0)
                problems.push(`${s.pointer} : « Ajouter » offert alors que « addable » vaut false (${items} éléments)`);
            }
            // The single answers of one list each bear their own label (« Date 1 », « Date 2 »), whatever titles them.
            const sameLabels = await page.evaluate(() => {
              const lists = new Set(
                Array.from(document.querySelectorAll('.item--single'), (item) => item.parentElement),
              );
              return Array.from(lists).flatMap((list) => {
                const labels = Array.from(list?.querySelectorAll(':scope > .item--single') ?? []).map(
                  (item) => item.querySelector('label, legend')?.textContent?.trim() ?? '',
                );
                return labels.filter((label, i) => labels.indexOf(label) !== i);
              });
            });
            if (sameLabels.length > 0) problems.push(`éléments de liste au même intitulé : ${sameLabels.join(', ')}`);
            // ui:readonly, ui:disabled, readOnly: RJSF passes them down to every control inside a group or list.
            for (const s of mine.filter(
              (m) =>
                m.kind === 'fixed' &&
                (m.ui['ui:readonly'] === true || m.ui['ui:disabled'] === true || m.schema.readOnly === true),
            )) {
              const editable = await at(page, s.pointer)
                .locator(
                  'input:not([type=hidden]):not([disabled]):not([readonly]), textarea:not([disabled]):not([readonly]), select:not([disabled]), button:not([disabled])',
                )
                .count();
              if (editable > 0)
                problems.push(`${s.pointer} : en lecture seule pour RJSF, ${editable} contrôle(s) modifiable(s) ici`);
            }
            const present = found.filter((p) => p >= 0);
            if (present.some((p, i) => i > 0 && p < present[i - 1]!)) {
              drawn = false;
              problems.push(`ordre sur « ${title} » : ${mine.map((s, i) => `${s.pointer}@${found[i]}`).join(', ')}`);
            }
            await check(`étape ${title}`);
            // Karim's phone: every step, filled, reflows at 320 px without scrolling sideways (WCAG 1.4.10), whatever
            // the form's titles, choices and lists.
            await page.setViewportSize({ width: 320, height: 640 });
            const overflow = await page.evaluate(() => {
              const width = document.documentElement.clientWidth;
              const by = document.documentElement.scrollWidth - width;
              if (by <= 0) return { by, what: '' };
              // The innermost box that sticks out, or whose content does (a word too long for its line), to name: a
              // walk over every element, made only when the page does overflow.
              const wide = Array.from(document.querySelectorAll('body *'))
                .filter((e) => e.getBoundingClientRect().right > width + 0.5 || e.scrollWidth > e.clientWidth + 0.5)
                .filter((e) => getComputedStyle(e).overflowX === 'visible')
                .pop();
              return {
                by,
                what: wide
                  ? `${wide.tagName.toLowerCase()}.${wide.className} « ${wide.textContent?.slice(0, 40)} »`
                  : '',
              };
            });
            await page.setViewportSize({ width: 1280, height: 800 });
            if (overflow.by > 0)
              problems.push(`étape « ${title} » : déborde de ${overflow.by} px à 320 px (${overflow.what})`);
            await press(page, 'Continuer');
            await page
              .waitForURL((url) => url.searchParams.get('etape') !== pageId, { timeout: 5000 })
              .catch(() => undefined);
            if (await page.locator('.error-summary').count()) {
              problems.push(
                `étape « ${title} » refusée : ${(await page.locator('.error-summary').innerText()).replace(/\s+/g, ' ')}`,
              );
              await check(`erreurs ${title}`);
              break;
            }
          }
          if ((await page.locator('h2.step-title').textContent()) === 'Vérifiez vos réponses') {
            await check('vérification');
            const all = expectedSteps(form.schema, form.uiSchema, form.formData, base);
            // The answers are drawn once the step's data is read (a form with defaults may draw them a moment later).
            await page
              .locator('.review-page .answers > div[data-pointer]')
              .first()
              .waitFor({ timeout: 5000 })
              .catch(() => undefined);
            const reviewed = await page.locator('.review-page .answers > div[data-pointer]').evaluateAll(
              (
                elements: Array<{
                  getAttribute(n: string): string | null;
                  querySelector(s: string): { textContent: string | null } | null;
                }>,
              ) =>
                elements.map((el) => ({
                  pointer: el.getAttribute('data-pointer') ?? '',
                  label: el.querySelector('dt')?.textContent ?? '',
                  text: el.querySelector('dd')?.textContent ?? '',
                })),
            );
            readBack.push(...pointedProblems('vérification', all, reviewed as ReadRow[]));
            await press(page, /^Envoyer ma demande/);
            await page
              .getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' })
              .waitFor({ timeout: 15_000 });
            sent = true;
            await check('confirmation');
            const stored = await page.evaluate(
              async (id) => (await (await fetch(`/api/v1/submissions/${id}`)).json()).data,
              draftId,
            );
            const wanted = wrap(rjsfSubmitted(form.schema, form.formData));
            storedEqual = sameAnswers(stored, wanted);
            if (!storedEqual)
              problems.push(`enregistré ${JSON.stringify(stored)} ; RJSF enverrait ${JSON.stringify(wanted)}`);
            const receipt = await page.evaluate(
              async (id) => (await fetch(`/api/v1/submissions/${id}/receipt.html`)).text(),
              draftId,
            );
            readBack.push(
              ...unpointedProblems(
                'accusé de réception',
                all,
                receiptRows(receipt),
                hiddenLabels(form.schema, form.uiSchema),
              ),
            );
          }
        } catch (error) {
          problems.push(`arrêt : ${(error as Error).message.split('\n')[0]}`);
        } finally {
          // What the page looked like when something went wrong, for the report.
          if (problems.length)
            await page
              .screenshot({ path: join(ROOT, 'test-results', 'compat', `${form.name}.png`), fullPage: true })
              .catch(() => undefined);
          recordResult(result());
          await page.close();
        }
        expect(result()).toEqual({
          ...result(),
          drawn: true,
          sent: true,
          storedEqual: true,
          readBack: true,
          detail: undefined,
        });
      },
      // subvention-festival-budget takes 85 s alone on a quiet machine: typing in its page once twenty budget lines
      // are drawn costs about 120 ms a key, in Chromium's own style and layout (no JavaScript sampled; 256 forced
      // layouts a key, under investigation, session 25's note). Three workers sharing two cores took it past 180 s.
      300_000,
    );
  });
}
