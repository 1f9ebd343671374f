import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEFAULT_WORKFLOW, checkWorkflow, decide, type WorkflowDefinition } from '@guichet/workflow';
import { canteenDefinition } from '../../../test/fixtures/canteen';
import { createAjv } from './ajv';
import { checkDefinition } from './check-definition';
import { DEFINITION_SCHEMA } from './definition-schema';

type Json = Record<string, unknown>;

const withWorkflow = (workflow: unknown) => ({ ...canteenDefinition(), workflow }) as unknown as Json;
const errorsOf = (input: unknown) => {
  const result = checkDefinition(input);
  return result.ok ? [] : result.errors;
};
const found = (input: unknown) => errorsOf(input).map((e) => `${e.code} ${e.pointer}`);
const copy = (): WorkflowDefinition => structuredClone(DEFAULT_WORKFLOW);

describe('the workflow section of a definition', () => {
  it('may be absent (the default workflow) or a workflow that works', () => {
    expect(found(canteenDefinition())).toEqual([]);
    expect(found(withWorkflow(copy()))).toEqual([]);
    const w = copy();
    w.routing = {
      rules: [{ when: { eq: [{ field: '/hasAllergy' }, 'oui'] }, group: 'Allergies' }],
      defaultGroup: 'Cantine',
    };
    w.states.in_review!.deadline = { after: 'P2M', transition: 'tacit_accept' };
    w.transitions.push({
      name: 'tacit_accept',
      label: 'Accord tacite',
      from: ['in_review'],
      to: 'accepted',
      by: ['system'],
    });
    w.emails = { submission_received: { subject: 'Inscription {{reference}}', body: 'Merci {{givenName}}.' } };
    expect(found(withWorkflow(w))).toEqual([]);
  });

  it('is refused when broken, with pointers into the definition', () => {
    const w = copy();
    w.transitions[3]!.to = 'nowhere';
    w.states.in_review!.actions = [{ type: 'notify', template: 'typo' }];
    w.routing = {
      rules: [
        { when: { eq: [{ field: '/parent/nickname' }, 'x'] }, group: 'A' },
        { when: { eq: [{ field: '/children/*/school' }, 'jules-ferry'] }, group: 'Jules-Ferry' },
      ],
      defaultGroup: 'B',
    };
    const errors = errorsOf(withWorkflow(w));
    expect(errors.map((e) => `${e.code} ${e.pointer}`)).toEqual(
      expect.arrayContaining([
        'unknown_state /workflow/transitions/3/to',
        'unknown_email_template /workflow/states/in_review/actions/0/template',
        // Routing rules are checked against the form's own fields.
        'rule_unknown_field /workflow/routing/rules/0/when/eq/0/field',
        // Routing runs once per request: it has no item of a repeatable group unless it names one.
        'rule_unbound_item /workflow/routing/rules/1/when/eq/0/field',
      ]),
    );
    expect(errors.find((e) => e.pointer === '/workflow/routing/rules/1/when/eq/0/field')!.message).toContain(
      'bloc répétable',
    );
    for (const e of errors) expect(e.message).toMatch(/[a-zé]/);
  });

  it('speaks the designer’s language where the structure is wrong too', () => {
    const errors = errorsOf(withWorkflow({ states: [], transitions: 'submit' }));
    expect(errors).toEqual([
      expect.objectContaining({ pointer: '/workflow/states', code: 'type', message: 'Valeur attendue : un objet.' }),
      expect.objectContaining({
        pointer: '/workflow/transitions',
        code: 'type',
        message: 'Valeur attendue : une liste.',
      }),
    ]);
    // Broken elsewhere as well: both are reported at once.
    const d = withWorkflow({ ...copy(), colour: 'blue' });
    delete d.settings;
    expect(found(d)).toEqual(['required /settings', 'additionalProperties /workflow/colour']);
  });

  it('is checked even when the form’s schema breaks the policy', () => {
    const d = withWorkflow({ ...copy(), transitions: [] });
    (d.schema as Json).$id = 'https://elsewhere.example/schema';
    expect(found(d)).toEqual(expect.arrayContaining(['missing_submit /workflow/transitions']));
  });

  it('accepts a webhook address in the settings', () => {
    const d = canteenDefinition() as unknown as { settings: Json };
    d.settings.webhookUrl = 'https://sig.example.fr/hooks/guichet';
    expect(found(d)).toEqual([]);
    d.settings.webhookUrl = 'ftp://sig.example.fr/';
    expect(found(d)).toEqual(['pattern /settings/webhookUrl']);
  });

  it('works as docs/definition-format.md shows it', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/definition-format.md'), 'utf8');
    const example = /### Example\n[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc);
    const workflow = JSON.parse(example![1]!) as WorkflowDefinition;
    expect(checkWorkflow(workflow, new Set(['/amount']))).toEqual([]);
    // Two months without an answer: the system accepts; a resubmission starts the two months again.
    const now = new Date('2025-03-10T08:00:00Z');
    expect(
      decide(workflow, { status: 'changes_requested', transition: 'resubmit', actor: 'citizen', now }),
    ).toMatchObject({
      ok: true,
      to: 'submitted',
      deadline: { dueAt: new Date('2025-05-10T08:00:00Z'), transition: 'tacit_accept' },
    });
    expect(decide(workflow, { status: 'submitted', transition: 'tacit_accept', actor: 'system', now })).toMatchObject({
      ok: true,
      to: 'accepted_tacitly',
    });
  });

  it('checkWorkflow refuses whatever the published schema refuses', () => {
    const validate = createAjv({ strict: false }).compile(DEFINITION_SCHEMA);
    const base = JSON.parse(JSON.stringify(DEFAULT_WORKFLOW));
    base.routing.rules.push({ when: { eq: [{ field: '/parent/email' }, 'x'] }, group: 'A' });
    base.emails = { extra: { subject: 'S {{reference}}', body: 'B' } };
    base.states.in_review.deadline = { after: 'P2M', transition: 'close' };
    const paths: Array<Array<string | number>> = [];
    const walk = (node: unknown, path: Array<string | number>) => {
      paths.push(path);
      if (node && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) walk(v, [...path, Array.isArray(node) ? Number(k) : k]);
    };
    walk(base, []);
    const near = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom('draft', 'submitted', 'accept', 'citizen', 'system', 'P2M', 'P0D', '', 'Bad Name', 'x\ny', true),
      fc.constantFrom([], ['draft'], ['in_review', 'in_review'], ['admin'], {}, { type: 'route' }, { label: 'x' }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...paths.filter((p) => p.length > 0)),
        fc.oneof(
          near.map((value) => ({ value })),
          fc.constant(undefined),
          fc.string().map((key) => ({ key })),
        ),
        (path, change) => {
          const w = structuredClone(base);
          let node = w;
          for (const key of path.slice(0, -1)) node = node[key];
          const last = path[path.length - 1]!;
          if (change === undefined) {
            if (Array.isArray(node)) node.splice(Number(last), 1);
            else delete node[last];
          } else if ('key' in change) {
            const target = node[last];
            if (target && typeof target === 'object' && !Array.isArray(target)) target[change.key] = 1;
          } else {
            node[last] = change.value;
          }
          const schemaRefuses = !validate(withWorkflow(w));
          const workflowRefuses = checkWorkflow(w).length > 0;
          return !schemaRefuses || workflowRefuses;
        },
      ),
      { numRuns: 3000 },
    );
  });
});
