import fc from 'fast-check';
import { checkWorkflow } from './check';
import { DEFAULT_WORKFLOW } from './defaults';
import type { WorkflowDefinition } from './types';

const copy = (): WorkflowDefinition => structuredClone(DEFAULT_WORKFLOW);
/** `code pointer` for each problem: easy to read in a failing expectation. */
const found = (workflow: unknown, fields?: ReadonlySet<string>) =>
  checkWorkflow(workflow, fields).map((p) => `${p.code} ${p.pointer}`);
const transition = (w: WorkflowDefinition, name: string) => w.transitions.find((t) => t.name === name)!;
const indexOf = (w: WorkflowDefinition, name: string) => w.transitions.findIndex((t) => t.name === name);

describe('checkWorkflow accepts', () => {
  it('the default workflow', () => {
    expect(checkWorkflow(DEFAULT_WORKFLOW)).toEqual([]);
  });

  it('a designer’s workflow: more states, a deadline, routing, emails', () => {
    const w = copy();
    w.states.awaiting_payment = {
      label: 'En attente de paiement',
      actions: [{ type: 'notify', template: 'payment' }],
      deadline: { after: 'P30D', transition: 'expire' },
    };
    w.states.expired = { label: 'Expirée', final: true, actions: [{ type: 'webhook' }] };
    w.transitions.push(
      {
        name: 'ask_payment',
        label: 'Demander le paiement',
        from: ['in_review'],
        to: 'awaiting_payment',
        by: ['caseworker'],
      },
      {
        name: 'paid',
        label: 'Paiement reçu',
        from: ['awaiting_payment'],
        to: 'accepted',
        by: ['caseworker', 'system'],
      },
      { name: 'expire', label: 'Expirer', from: ['awaiting_payment'], to: 'expired', by: ['system'] },
      // A self-loop is allowed: a reminder that restarts nothing but its actions.
      { name: 'remind', label: 'Relancer', from: ['changes_requested'], to: 'changes_requested', by: ['caseworker'] },
    );
    w.routing = {
      rules: [{ when: { in: [{ field: '/school' }, ['jules-ferry', 'pasteur']] }, group: 'Cantine Jules-Ferry' }],
      defaultGroup: 'Accueil',
    };
    w.emails = {
      payment: { subject: 'Paiement de la demande {{ reference }}', body: 'Bonjour {{givenName}},\n{{link}}' },
      submission_received: { subject: 'Reçu', body: 'Votre demande {{reference}} est arrivée. {{status}}' },
    };
    expect(checkWorkflow(w, new Set(['/school']))).toEqual([]);
  });
});

describe('checkWorkflow refuses', () => {
  it('a workflow without draft, submitted or submit', () => {
    const w = copy();
    delete w.states.draft;
    expect(found(w)).toEqual(
      expect.arrayContaining(['missing_state /workflow/states/draft', 'unknown_state /workflow/transitions/0/from/0']),
    );
    const v = copy();
    v.transitions = v.transitions.filter((t) => t.name !== 'submit');
    expect(found(v)).toEqual(
      expect.arrayContaining(['missing_submit /workflow/transitions', 'unreachable_state /workflow/states/submitted']),
    );
    const u = copy();
    transition(u, 'submit').by = ['caseworker'];
    expect(found(u)).toEqual(['submit_transition /workflow/transitions/0/by']);
    const t = copy();
    transition(t, 'submit').to = 'in_review';
    expect(found(t)).toEqual(['submit_transition /workflow/transitions/0/to']);
  });

  it('transitions to or from states that do not exist', () => {
    const w = copy();
    transition(w, 'accept').to = 'approved';
    transition(w, 'close').from.push('archived');
    const i = indexOf(w, 'accept');
    const c = indexOf(w, 'close');
    expect(found(w)).toEqual(
      expect.arrayContaining([
        `unknown_state /workflow/transitions/${i}/to`,
        `unknown_state /workflow/transitions/${c}/from/3`,
        'unreachable_state /workflow/states/accepted',
      ]),
    );
    const problem = checkWorkflow(w).find((p) => p.pointer === `/workflow/transitions/${i}/to`)!;
    expect(problem.message).toBe('L’état « approved » n’existe pas.');
  });

  it('states nothing leads to, from draft', () => {
    const w = copy();
    w.states.archived = { label: 'Archivée', final: true };
    expect(found(w)).toEqual(['unreachable_state /workflow/states/archived']);
  });

  it('final states that a transition leaves', () => {
    const w = copy();
    w.transitions.push({ name: 'reopen', label: 'Rouvrir', from: ['closed'], to: 'in_review', by: ['caseworker'] });
    expect(found(w)).toEqual([`final_state_exit /workflow/transitions/${w.transitions.length - 1}/from/0`]);
  });

  it('dead ends, and states from which no decision can be reached', () => {
    const w = copy();
    w.states.on_hold = { label: 'En attente' };
    w.transitions.push({ name: 'hold', label: 'Suspendre', from: ['in_review'], to: 'on_hold', by: ['caseworker'] });
    expect(found(w)).toEqual(['dead_end /workflow/states/on_hold']);
    // A self-loop is no way out.
    w.transitions.push({ name: 'poke', label: 'Relancer', from: ['on_hold'], to: 'on_hold', by: ['caseworker'] });
    expect(found(w)).toEqual(['dead_end /workflow/states/on_hold']);
    // Two states that only lead to each other.
    w.states.limbo = { label: 'Limbes' };
    w.transitions.push({ name: 'drift', label: 'Dériver', from: ['on_hold'], to: 'limbo', by: ['caseworker'] });
    w.transitions.push({ name: 'back', label: 'Revenir', from: ['limbo'], to: 'on_hold', by: ['caseworker'] });
    expect(found(w)).toEqual([
      'no_way_to_decision /workflow/states/on_hold',
      'no_way_to_decision /workflow/states/limbo',
    ]);
  });

  it('a workflow without any final state', () => {
    const w = copy();
    for (const s of Object.values(w.states)) delete s.final;
    expect(found(w)).toEqual(
      expect.arrayContaining([
        'no_final_state /workflow/states',
        'dead_end /workflow/states/accepted',
        'dead_end /workflow/states/rejected',
      ]),
    );
  });

  it('the same transition name twice from one state', () => {
    const w = copy();
    w.transitions.push({
      name: 'accept',
      label: 'Accepter vite',
      from: ['submitted', 'in_review'],
      to: 'accepted',
      by: ['caseworker'],
    });
    const last = w.transitions.length - 1;
    expect(found(w)).toEqual([`duplicate_transition /workflow/transitions/${last}/name`]);
    expect(checkWorkflow(w)[0]!.message).toContain('« in_review »');
  });

  it('a way back to draft, and any exit from draft but submit', () => {
    const w = copy();
    w.transitions.push(
      { name: 'to_draft', label: 'Renvoyer', from: ['in_review'], to: 'draft', by: ['caseworker'] },
      { name: 'skip', label: 'Accepter d’office', from: ['draft'], to: 'accepted', by: ['caseworker'] },
    );
    const n = w.transitions.length;
    expect(found(w)).toEqual([
      `draft_entry /workflow/transitions/${n - 2}/to`,
      `draft_exit /workflow/transitions/${n - 1}/from/0`,
    ]);
  });

  it('unknown actions, unknown templates, repeated actions', () => {
    const w = copy();
    w.states.in_review!.actions = [
      { type: 'sms' } as never,
      { type: 'notify', template: 'reminder' },
      { type: 'notify' } as never,
      { type: 'document', template: 'invoice' } as never,
      { type: 'webhook', url: 'https://evil.example' } as never,
      { type: 'webhook' },
      { type: 'route' },
      { type: 'route' },
      'route' as never,
    ];
    expect(found(w)).toEqual([
      'unknown_action /workflow/states/in_review/actions/0/type',
      'unknown_email_template /workflow/states/in_review/actions/1/template',
      'required /workflow/states/in_review/actions/2/template',
      'enum /workflow/states/in_review/actions/3/template',
      'additionalProperties /workflow/states/in_review/actions/4/url',
      'duplicate_action /workflow/states/in_review/actions/5',
      'duplicate_action /workflow/states/in_review/actions/7',
      'type /workflow/states/in_review/actions/8',
    ]);
  });

  it('a notify naming a template the workflow declares is fine', () => {
    const w = copy();
    w.states.in_review!.actions = [{ type: 'notify', template: 'reminder' }];
    w.emails = { reminder: { subject: 'Votre demande {{reference}}', body: 'Elle est en cours d’instruction.' } };
    expect(found(w)).toEqual([]);
  });

  it('bad deadlines', () => {
    const cases: Array<[WorkflowDefinition['states'][string]['deadline'] | unknown, string]> = [
      [{ after: 'P0D', transition: 'accept' }, 'deadline_duration /workflow/states/in_review/deadline/after'],
      [{ after: 'P2 months', transition: 'accept' }, 'deadline_duration /workflow/states/in_review/deadline/after'],
      [{ after: 'P20Y', transition: 'accept' }, 'deadline_duration /workflow/states/in_review/deadline/after'],
      [{ after: 60, transition: 'accept' }, 'type /workflow/states/in_review/deadline/after'],
      [{ after: 'P2M', transition: 'approve' }, 'unknown_transition /workflow/states/in_review/deadline/transition'],
      [
        { after: 'P2M', transition: 'resubmit' },
        'deadline_not_from_state /workflow/states/in_review/deadline/transition',
      ],
      [{ after: 'P2M', transition: 'accept' }, 'deadline_not_system /workflow/states/in_review/deadline/transition'],
      [{ after: 'P2M' }, 'required /workflow/states/in_review/deadline/transition'],
      [
        { after: 'P2M', transition: 'accept', then: 'x' },
        'additionalProperties /workflow/states/in_review/deadline/then',
      ],
      ['P2M', 'type /workflow/states/in_review/deadline'],
    ];
    for (const [deadline, expected] of cases) {
      const w = copy();
      (w.states.in_review as unknown as Record<string, unknown>).deadline = deadline;
      expect(found(w)).toContain(expected);
    }
    // The system cannot write the motivation a refusal needs.
    const w = copy();
    transition(w, 'reject').by.push('system');
    w.states.in_review!.deadline = { after: 'P2M', transition: 'reject' };
    expect(found(w)).toEqual(['deadline_comment_required /workflow/states/in_review/deadline/transition']);
    // Nor does a draft have a deadline.
    const v = copy();
    transition(v, 'submit').by.push('system');
    v.states.draft!.deadline = { after: 'P3M', transition: 'submit' };
    expect(found(v)).toEqual(['deadline_on_draft /workflow/states/draft/deadline']);
  });

  it('bad routing', () => {
    const w = copy();
    w.routing = {
      rules: [
        { when: { eq: [{ field: '/nope' }, 1] }, group: 'A' },
        { when: { eq: [{ claim: 'birthdate' }, 1] }, group: 'B' },
        { when: { between: [1, 2] } as never, group: 'C' },
        { when: true, group: '   ' },
        { group: 'D' } as never,
      ],
      defaultGroup: '',
    };
    const problems = checkWorkflow(w, new Set(['/school']));
    expect(problems.map((p) => `${p.code} ${p.pointer}`)).toEqual([
      'empty_group /workflow/routing/defaultGroup',
      'rule_unknown_field /workflow/routing/rules/0/when/eq/0/field',
      'rule_unknown_claim /workflow/routing/rules/1/when/eq/0/claim',
      'rule_unknown_operator /workflow/routing/rules/2/when',
      'empty_group /workflow/routing/rules/3/group',
      'required /workflow/routing/rules/4/when',
    ]);
    expect(problems[2]!.message).toContain('identité');
    // Without the form's fields, any field is accepted.
    expect(found(w)).not.toContain('rule_unknown_field /workflow/routing/rules/0/when/eq/0/field');
    expect(found({ ...copy(), routing: { rules: [] } })).toEqual(['required /workflow/routing/defaultGroup']);
    // Fields of repeatable groups only through an item named (any, or a number): a routing rule has none of its own.
    const v = copy();
    v.routing = {
      rules: [{ when: { contains: [{ field: '/children/*/school' }, 'x'] }, group: 'A' }],
      defaultGroup: 'B',
    };
    for (const fields of [undefined, new Set(['/children', '/children/*', '/children/*/school'])]) {
      const [problem, ...rest] = checkWorkflow(v, fields);
      expect(rest).toEqual([]);
      expect(problem).toEqual({
        pointer: '/workflow/routing/rules/0/when/contains/0/field',
        code: 'rule_unbound_item',
        message: expect.stringContaining('bloc répétable'),
      });
    }
  });

  it('bad email templates', () => {
    const w = copy();
    w.emails = {
      submission_received: {
        subject: 'Reçu {{reference}}\r\nBcc: x@example.com',
        body: 'Bonjour {{prenom}} {{givenName}}',
      },
      'Relance!': { subject: 'x', body: 'y' },
      empty: { subject: ' ', body: '' },
      long: { subject: 'x'.repeat(201), body: 'y' },
      extra: { subject: 'x', body: 'y', html: '<p>' } as never,
      partial: { subject: 'x' } as never,
    };
    expect(found(w)).toEqual([
      'pattern /workflow/emails/submission_received/subject',
      'unknown_placeholder /workflow/emails/submission_received/body',
      'bad_identifier /workflow/emails/Relance!',
      'minLength /workflow/emails/empty/subject',
      'minLength /workflow/emails/empty/body',
      'maxLength /workflow/emails/long/subject',
      'additionalProperties /workflow/emails/extra/html',
      'required /workflow/emails/partial/body',
    ]);
    expect(checkWorkflow(w)[1]!.message).toContain('{{prenom}}');
  });

  it('bad identifiers, labels and lists', () => {
    const w = copy() as unknown as { states: Record<string, unknown>; transitions: Array<Record<string, unknown>> };
    w.states['En cours'] = { label: 'En cours', final: true };
    w.transitions.push({ name: 'Go-Now', label: '', from: ['in_review'], to: 'En cours', by: ['caseworker'] });
    w.transitions.push({ name: 'x', label: 'x'.repeat(101), from: [], to: 'accepted', by: ['admin'] });
    w.transitions.push({
      name: 'y',
      label: 'Y',
      from: ['in_review', 'in_review'],
      to: 'accepted',
      by: ['caseworker', 'caseworker'],
      commentRequired: 'yes',
    });
    (w.states.draft as Record<string, unknown>).final = 'no';
    (w.states.submitted as Record<string, unknown>).colour = 'blue';
    expect(found(w)).toEqual([
      'type /workflow/states/draft/final',
      'additionalProperties /workflow/states/submitted/colour',
      'bad_identifier /workflow/states/En cours',
      'bad_identifier /workflow/transitions/7/name',
      'minLength /workflow/transitions/7/label',
      'maxLength /workflow/transitions/8/label',
      'minItems /workflow/transitions/8/from',
      'enum /workflow/transitions/8/by/0',
      'uniqueItems /workflow/transitions/9/from/1',
      'uniqueItems /workflow/transitions/9/by/1',
      'type /workflow/transitions/9/commentRequired',
    ]);
  });
});

describe('checkWorkflow on hostile input', () => {
  it('answers anything that is not an object with one problem', () => {
    for (const value of [null, undefined, 0, 'workflow', true, [], [DEFAULT_WORKFLOW], 'x'.repeat(1_000_000)])
      expect(found(value)).toEqual(['type /workflow']);
  });

  it('names what is missing', () => {
    expect(found({})).toEqual(['required /workflow/states', 'required /workflow/transitions']);
    expect(found({ states: [], transitions: {} })).toEqual(['type /workflow/states', 'type /workflow/transitions']);
  });

  it('treats __proto__, constructor and prototype as plain (bad) names', () => {
    const w = JSON.parse(
      JSON.stringify(copy()).replace(
        '"states":{',
        '"__proto__":{"polluted":true},"states":{"__proto__":{"label":"x","final":true},"constructor":{"label":"y"},',
      ),
    );
    const problems = found(w);
    expect(problems).toEqual(
      expect.arrayContaining([
        'additionalProperties /workflow/__proto__',
        'bad_identifier /workflow/states/__proto__',
        'unreachable_state /workflow/states/constructor',
        'dead_end /workflow/states/constructor',
      ]),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A transition naming a state that only Object.prototype has.
    const v = copy();
    transition(v, 'accept').to = 'toString';
    transition(v, 'close').from = ['hasOwnProperty'];
    expect(found(v)).toEqual(
      expect.arrayContaining([
        `unknown_state /workflow/transitions/${indexOf(v, 'accept')}/to`,
        `unknown_state /workflow/transitions/${indexOf(v, 'close')}/from/0`,
      ]),
    );
    const u = copy();
    u.states.in_review!.actions = [{ type: 'notify', template: 'constructor' }];
    expect(found(u)).toEqual(['unknown_email_template /workflow/states/in_review/actions/0/template']);
  });

  it('stays short with huge strings and keys', () => {
    const huge = 'é'.repeat(200_000);
    const w = copy() as unknown as { states: Record<string, unknown>; transitions: unknown };
    w.states[huge] = { label: huge };
    (w.transitions as unknown as unknown[]).push({ name: huge, label: 'x', from: [huge], to: huge, by: [huge] });
    const problems = checkWorkflow(w);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.message.length).toBeLessThan(400);
  });

  it('stops counting past the limits', () => {
    const states = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`s${i}`, { label: 'x' }]));
    expect(found({ ...copy(), states })).toContain('maxProperties /workflow/states');
    const transitions = new Array(100_000).fill(transition(copy(), 'accept'));
    expect(found({ ...copy(), transitions })).toEqual(['maxItems /workflow/transitions']);
    const actions = Array.from({ length: 21 }, () => ({ type: 'webhook' }));
    const w = copy();
    w.states.in_review!.actions = actions as never;
    expect(found(w)).toEqual(['maxItems /workflow/states/in_review/actions']);
    const garbage = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    expect(checkWorkflow({ ...copy(), ...garbage }).length).toBeLessThanOrEqual(500);
  });

  it('survives deep nesting', () => {
    let deep: unknown = true;
    for (let i = 0; i < 100_000; i++) deep = { not: deep };
    const w = copy();
    w.routing = { rules: [{ when: deep as never, group: 'A' }], defaultGroup: 'B' };
    expect(found(w)).toEqual(['rule_too_deep /workflow/routing/rules/0/when' + '/not'.repeat(33)]);
    let nested: unknown = {};
    for (let i = 0; i < 100_000; i++) nested = { label: nested };
    expect(found({ ...copy(), states: { ...copy().states, deep: nested } })).toEqual(
      expect.arrayContaining(['type /workflow/states/deep/label']),
    );
  });

  it('survives objects that throw when read', () => {
    const w = copy() as unknown as Record<string, unknown>;
    Object.defineProperty(w, 'routing', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(found(w)).toEqual(['workflow_invalid /workflow']);
    expect(found(Object.assign(Object.create(null), copy()))).toEqual([]);
  });

  it('never throws on any JSON, and locates every problem inside the workflow', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const problems = checkWorkflow(value);
        return problems.every((p) => p.pointer.startsWith('/workflow') && p.message.length > 0);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on near-misses of a real workflow', () => {
    // Replace one value anywhere in the default workflow by arbitrary JSON.
    const base = JSON.parse(JSON.stringify(DEFAULT_WORKFLOW));
    const paths: Array<Array<string | number>> = [];
    const walk = (node: unknown, path: Array<string | number>) => {
      paths.push(path);
      if (node && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) walk(v, [...path, Array.isArray(node) ? Number(k) : k]);
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue(), (path, value) => {
        const w = structuredClone(base);
        let node = w;
        for (const key of path.slice(0, -1)) node = node[key];
        node[path[path.length - 1]!] = value;
        const problems = checkWorkflow(w);
        return problems.every((p) => p.pointer.startsWith('/workflow') && /[a-zé]/.test(p.message));
      }),
      { numRuns: 2000 },
    );
  });
});
