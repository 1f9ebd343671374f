import fc from 'fast-check';
import {
  ACTOR_KINDS,
  DEFAULT_EMAILS,
  DEFAULT_WORKFLOW,
  checkWorkflow,
  type ActorKind,
  type WorkflowDefinition,
} from '@guichet/shared';
import {
  availableTransitions,
  decide,
  emailTemplate,
  isFinal,
  route,
  stateLabel,
  workflowOf,
  type DecideInput,
} from './engine';

const now = new Date('2025-06-02T09:00:00Z');
const copy = (): WorkflowDefinition => structuredClone(DEFAULT_WORKFLOW);
const run = (
  input: Partial<DecideInput> & Pick<DecideInput, 'status' | 'transition' | 'actor'>,
  w = DEFAULT_WORKFLOW,
) => decide(w, { now, ...input });

/** A default workflow with "silence vaut accord": two months in review without an answer accepts. */
function withTacitAcceptance(): WorkflowDefinition {
  const w = copy();
  w.states.in_review!.deadline = { after: 'P2M', transition: 'tacit_accept' };
  w.transitions.push({
    name: 'tacit_accept',
    label: 'Acceptation tacite',
    from: ['in_review'],
    to: 'accepted',
    by: ['system'],
  });
  return w;
}

describe('DEFAULT_WORKFLOW', () => {
  it('is the lifecycle of the design, and passes its own check', () => {
    expect(checkWorkflow(DEFAULT_WORKFLOW)).toEqual([]);
    expect(Object.keys(DEFAULT_WORKFLOW.states)).toEqual([
      'draft',
      'submitted',
      'in_review',
      'changes_requested',
      'accepted',
      'rejected',
      'closed',
    ]);
    const edges = DEFAULT_WORKFLOW.transitions.map((t) => `${t.name}: ${t.from.join('|')} -> ${t.to} by ${t.by}`);
    expect(edges).toEqual([
      'submit: draft -> submitted by citizen',
      'start_review: submitted -> in_review by caseworker',
      'request_changes: in_review -> changes_requested by caseworker',
      'resubmit: changes_requested -> submitted by citizen',
      'accept: in_review -> accepted by caseworker',
      'reject: in_review -> rejected by caseworker',
      'close: submitted|in_review|changes_requested -> closed by caseworker',
    ]);
    const commented = DEFAULT_WORKFLOW.transitions.filter((t) => t.commentRequired).map((t) => t.name);
    expect(commented).toEqual(['request_changes', 'reject', 'close']);
    const finals = Object.keys(DEFAULT_WORKFLOW.states).filter((s) => isFinal(DEFAULT_WORKFLOW, s));
    expect(finals).toEqual(['accepted', 'rejected', 'closed']);
    expect(Object.values(DEFAULT_WORKFLOW.states).some((s) => s.deadline)).toBe(false);
    expect(DEFAULT_WORKFLOW.routing).toEqual({ rules: [], defaultGroup: 'instruction' });
  });

  it('attaches the actions of the design to each state', () => {
    const actions = Object.fromEntries(
      Object.entries(DEFAULT_WORKFLOW.states).map(([name, s]) => [
        name,
        (s.actions ?? []).map((a) => ('template' in a ? `${a.type}:${a.template}` : a.type)),
      ]),
    );
    expect(actions).toEqual({
      draft: [],
      submitted: ['notify:submission_received', 'webhook', 'route'],
      in_review: ['webhook'],
      changes_requested: ['notify:changes_requested', 'webhook'],
      accepted: ['document:acceptance', 'notify:decision_accepted', 'webhook'],
      rejected: ['document:refusal', 'notify:decision_rejected', 'webhook'],
      closed: ['notify:decision_closed', 'webhook'],
    });
  });

  it('labels states and transitions in French', () => {
    expect(Object.keys(DEFAULT_WORKFLOW.states).map((s) => stateLabel(DEFAULT_WORKFLOW, s))).toEqual([
      'Brouillon',
      'Déposée',
      'En instruction',
      'Modifications demandées',
      'Acceptée',
      'Refusée',
      'Classée sans suite',
    ]);
    expect(DEFAULT_WORKFLOW.transitions.find((t) => t.name === 'submit')!.label).toBe('Déposer');
    expect(DEFAULT_WORKFLOW.transitions.find((t) => t.name === 'start_review')!.label).toBe('Commencer l’instruction');
  });

  it('is frozen, so that no caller changes every service’s workflow by accident', () => {
    expect(Object.isFrozen(DEFAULT_WORKFLOW.states.submitted!.actions)).toBe(true);
    expect(() => {
      (DEFAULT_WORKFLOW.transitions as unknown[]).push({});
    }).toThrow(TypeError);
    expect(Object.isFrozen(DEFAULT_EMAILS.submission_received)).toBe(true);
    // A copy is the designer's own.
    const mine = copy();
    mine.states.draft!.label = 'En cours';
    expect(stateLabel(DEFAULT_WORKFLOW, 'draft')).toBe('Brouillon');
  });
});

describe('decide', () => {
  it('walks the default lifecycle', () => {
    const steps: Array<[string, string, ActorKind, string?]> = [
      ['draft', 'submit', 'citizen'],
      ['submitted', 'start_review', 'caseworker'],
      ['in_review', 'request_changes', 'caseworker', 'Joignez les statuts de l’association.'],
      ['changes_requested', 'resubmit', 'citizen'],
      ['submitted', 'start_review', 'caseworker'],
      ['in_review', 'accept', 'caseworker'],
    ];
    let status = 'draft';
    for (const [from, transition, actor, comment] of steps) {
      expect(status).toBe(from);
      const decision = run({ status, transition, actor, comment });
      if (!decision.ok) throw new Error(`${transition}: ${decision.code}`);
      expect(decision.from).toBe(from);
      expect(decision.transition.name).toBe(transition);
      expect(decision.actions).toEqual(DEFAULT_WORKFLOW.states[decision.to]!.actions ?? []);
      expect(decision.deadline).toBeUndefined();
      status = decision.to;
    }
    expect(status).toBe('accepted');
    expect(isFinal(DEFAULT_WORKFLOW, status)).toBe(true);
  });

  it('gives the entered state’s actions, as copies', () => {
    const decision = run({ status: 'draft', transition: 'submit', actor: 'citizen' });
    expect(decision).toMatchObject({
      ok: true,
      from: 'draft',
      to: 'submitted',
      actions: [{ type: 'notify', template: 'submission_received' }, { type: 'webhook' }, { type: 'route' }],
    });
    if (decision.ok) {
      decision.actions[0]!.type = 'route';
      expect(DEFAULT_WORKFLOW.states.submitted!.actions![0]!.type).toBe('notify');
    }
  });

  it('says why it refuses, in the documented order', () => {
    expect(run({ status: 'in_review', transition: 'approve', actor: 'caseworker' })).toEqual({
      ok: false,
      code: 'TRANSITION_UNKNOWN',
    });
    expect(run({ status: 'submitted', transition: 'accept', actor: 'caseworker' })).toEqual({
      ok: false,
      code: 'TRANSITION_NOT_AVAILABLE',
    });
    // Not available wins over forbidden: the citizen learns nothing about who else may act.
    expect(run({ status: 'submitted', transition: 'accept', actor: 'citizen' })).toMatchObject({
      code: 'TRANSITION_NOT_AVAILABLE',
    });
    expect(run({ status: 'in_review', transition: 'accept', actor: 'citizen' })).toEqual({
      ok: false,
      code: 'TRANSITION_FORBIDDEN',
    });
    expect(run({ status: 'draft', transition: 'submit', actor: 'caseworker' })).toMatchObject({
      code: 'TRANSITION_FORBIDDEN',
    });
    expect(run({ status: 'in_review', transition: 'accept', actor: 'system' })).toMatchObject({
      code: 'TRANSITION_FORBIDDEN',
    });
    // Forbidden wins over a missing comment.
    expect(run({ status: 'in_review', transition: 'reject', actor: 'citizen' })).toMatchObject({
      code: 'TRANSITION_FORBIDDEN',
    });
  });

  it('requires a non-blank comment where the transition says so', () => {
    for (const comment of [undefined, '', '   ', '\n\t '])
      expect(run({ status: 'in_review', transition: 'reject', actor: 'caseworker', comment })).toEqual({
        ok: false,
        code: 'COMMENT_REQUIRED',
      });
    expect(
      run({ status: 'in_review', transition: 'reject', actor: 'caseworker', comment: 'Hors délai.' }),
    ).toMatchObject({ ok: true, to: 'rejected' });
    for (const status of ['submitted', 'in_review', 'changes_requested']) {
      expect(run({ status, transition: 'close', actor: 'caseworker' })).toMatchObject({ code: 'COMMENT_REQUIRED' });
      expect(run({ status, transition: 'close', actor: 'caseworker', comment: 'Doublon.' })).toMatchObject({
        ok: true,
        to: 'closed',
      });
    }
    // A comment where none is required is fine.
    expect(run({ status: 'in_review', transition: 'accept', actor: 'caseworker', comment: 'Bravo' })).toMatchObject({
      ok: true,
    });
  });

  it('refuses everything from a final state', () => {
    for (const status of ['accepted', 'rejected', 'closed'])
      for (const t of DEFAULT_WORKFLOW.transitions)
        for (const actor of ACTOR_KINDS)
          expect(run({ status, transition: t.name, actor, comment: 'x' })).toMatchObject({
            ok: false,
            code: 'TRANSITION_NOT_AVAILABLE',
          });
  });

  it('computes the entered state’s deadline from now, again on every entry', () => {
    const w = withTacitAcceptance();
    expect(checkWorkflow(w)).toEqual([]);
    const first = run({ status: 'submitted', transition: 'start_review', actor: 'caseworker' }, w);
    expect(first).toMatchObject({
      ok: true,
      deadline: { dueAt: new Date('2025-08-02T09:00:00Z'), transition: 'tacit_accept' },
    });
    // Changes requested, then resubmitted and reviewed a month later: the two months start again.
    const later = new Date('2025-07-15T14:00:00Z');
    const again = decide(w, { status: 'submitted', transition: 'start_review', actor: 'caseworker', now: later });
    expect(again).toMatchObject({ deadline: { dueAt: new Date('2025-09-15T14:00:00Z') } });
    // The system fires the deadline transition; nobody else may.
    expect(run({ status: 'in_review', transition: 'tacit_accept', actor: 'system' }, w)).toMatchObject({
      ok: true,
      to: 'accepted',
    });
    expect(run({ status: 'in_review', transition: 'tacit_accept', actor: 'caseworker' }, w)).toMatchObject({
      code: 'TRANSITION_FORBIDDEN',
    });
    // Leaving the state: the next one has no deadline.
    expect(run({ status: 'in_review', transition: 'accept', actor: 'caseworker' }, w)).not.toHaveProperty('deadline');
  });

  it('picks, among transitions of the same name, the one leaving the current state', () => {
    const w = copy();
    w.transitions = w.transitions.filter((t) => t.name !== 'close');
    w.transitions.push(
      { name: 'close', label: 'Abandonner', from: ['changes_requested'], to: 'closed', by: ['citizen'] },
      {
        name: 'close',
        label: 'Classer sans suite',
        from: ['submitted', 'in_review'],
        to: 'closed',
        by: ['caseworker'],
        commentRequired: true,
      },
    );
    expect(checkWorkflow(w)).toEqual([]);
    expect(run({ status: 'changes_requested', transition: 'close', actor: 'citizen' }, w)).toMatchObject({
      ok: true,
      transition: { label: 'Abandonner' },
    });
    expect(run({ status: 'in_review', transition: 'close', actor: 'citizen' }, w)).toMatchObject({
      code: 'TRANSITION_FORBIDDEN',
    });
    expect(run({ status: 'in_review', transition: 'close', actor: 'caseworker' }, w)).toMatchObject({
      code: 'COMMENT_REQUIRED',
    });
  });

  it('does not trust a workflow that escaped the checks', () => {
    const broken = {
      states: { draft: { label: 'B' }, constructor: 3 },
      transitions: [
        null,
        'submit',
        { name: 'submit', from: ['draft'], to: 'nowhere', by: ['citizen'] },
        { name: 'hop', from: 'draft', to: 'draft', by: 'citizen' },
        { name: 'toString', from: ['draft'], to: 'toString', by: ['citizen'] },
      ],
    } as unknown as WorkflowDefinition;
    expect(run({ status: 'draft', transition: 'submit', actor: 'citizen' }, broken)).toMatchObject({
      code: 'TRANSITION_UNKNOWN',
    });
    expect(run({ status: 'draft', transition: 'hop', actor: 'citizen' }, broken)).toMatchObject({
      code: 'TRANSITION_NOT_AVAILABLE',
    });
    expect(run({ status: 'draft', transition: 'toString', actor: 'citizen' }, broken)).toMatchObject({
      code: 'TRANSITION_UNKNOWN',
    });
    for (const w of [null, undefined, {}, { states: null, transitions: null }, []] as unknown as WorkflowDefinition[])
      expect(decide(w, { status: 'draft', transition: 'submit', actor: 'citizen', now })).toMatchObject({
        code: 'TRANSITION_UNKNOWN',
      });
  });

  it('never throws, and every accepted decision lands on a declared state', () => {
    const w = withTacitAcceptance();
    const states = [...Object.keys(w.states), 'constructor', '__proto__', ''];
    const names = [...w.transitions.map((t) => t.name), 'toString', 'hasOwnProperty', ''];
    fc.assert(
      fc.property(
        fc.constantFrom(DEFAULT_WORKFLOW, w),
        fc.oneof(fc.constantFrom(...states), fc.string()),
        fc.oneof(fc.constantFrom(...names), fc.string()),
        fc.oneof(fc.constantFrom(...ACTOR_KINDS), fc.string() as fc.Arbitrary<ActorKind>),
        fc.option(fc.string(), { nil: undefined }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (workflow, status, transition, actor, comment, at) => {
          const d = decide(workflow, { status, transition, actor, comment, now: at });
          if (!d.ok) return true;
          return (
            Object.prototype.hasOwnProperty.call(workflow.states, d.to) &&
            d.from === status &&
            workflow.transitions.includes(d.transition) &&
            d.transition.by.includes(actor) &&
            (!d.transition.commentRequired || (comment ?? '').trim() !== '') &&
            (d.deadline === undefined || d.deadline.dueAt.getTime() > at.getTime())
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws on a workflow of any shape', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.string(), (json, status, transition) => {
        const w = json as unknown as WorkflowDefinition;
        const d = decide(w, { status, transition, actor: 'citizen', now });
        availableTransitions(w, status, 'citizen');
        route(w, {});
        isFinal(w, status);
        stateLabel(w, status);
        return typeof d.ok === 'boolean';
      }),
      { numRuns: 1000 },
    );
  });
});

describe('availableTransitions', () => {
  const names = (status: string, actor: ActorKind) =>
    availableTransitions(DEFAULT_WORKFLOW, status, actor).map((t) => t.name);

  it('lists what this actor may fire from this state, in the workflow’s order', () => {
    expect(names('draft', 'citizen')).toEqual(['submit']);
    expect(names('draft', 'caseworker')).toEqual([]);
    expect(names('submitted', 'caseworker')).toEqual(['start_review', 'close']);
    expect(names('in_review', 'caseworker')).toEqual(['request_changes', 'accept', 'reject', 'close']);
    expect(names('in_review', 'citizen')).toEqual([]);
    expect(names('changes_requested', 'citizen')).toEqual(['resubmit']);
    expect(names('changes_requested', 'caseworker')).toEqual(['close']);
    expect(names('accepted', 'caseworker')).toEqual([]);
    expect(names('nowhere', 'caseworker')).toEqual([]);
    expect(names('constructor', 'system')).toEqual([]);
  });

  it('agrees with decide', () => {
    for (const status of Object.keys(DEFAULT_WORKFLOW.states))
      for (const actor of ACTOR_KINDS)
        for (const t of DEFAULT_WORKFLOW.transitions) {
          const decision = run({ status, transition: t.name, actor, comment: 'motif' });
          expect(decision.ok).toBe(names(status, actor).includes(t.name));
        }
  });
});

describe('route', () => {
  const routed = (): WorkflowDefinition => ({
    ...copy(),
    routing: {
      rules: [
        { when: { eq: [{ field: '/school' }, 'jules-ferry'] }, group: 'Cantine Jules-Ferry' },
        { when: { gt: [{ field: '/amount' }, 5000] }, group: 'Grosses subventions' },
        { when: { eq: [{ field: '/school' }, 'jules-ferry'] }, group: 'never reached' },
      ],
      defaultGroup: 'Accueil',
    },
  });

  it('takes the first rule that holds, else the default group', () => {
    expect(route(routed(), { school: 'jules-ferry', amount: 9000 })).toBe('Cantine Jules-Ferry');
    expect(route(routed(), { school: 'pasteur', amount: 9000 })).toBe('Grosses subventions');
    expect(route(routed(), { school: 'pasteur' })).toBe('Accueil');
    expect(route(routed(), {})).toBe('Accueil');
  });

  it('falls back on « instruction »', () => {
    expect(route(DEFAULT_WORKFLOW, { anything: 1 })).toBe('instruction');
    const w = copy();
    delete w.routing;
    expect(route(w, {})).toBe('instruction');
    w.routing = { rules: [{ when: true, group: '  ' }], defaultGroup: '' };
    expect(route(w, {})).toBe('instruction');
  });
});

describe('workflowOf, isFinal, stateLabel, emailTemplate', () => {
  it('gives the definition’s workflow, or the default one', () => {
    const w = withTacitAcceptance();
    expect(workflowOf({ workflow: w })).toBe(w);
    expect(workflowOf({})).toBe(DEFAULT_WORKFLOW);
    expect(workflowOf({ workflow: undefined })).toBe(DEFAULT_WORKFLOW);
    expect(workflowOf({ workflow: null })).toBe(DEFAULT_WORKFLOW);
    expect(workflowOf({ workflow: [] })).toBe(DEFAULT_WORKFLOW);
  });

  it('reads only declared states', () => {
    expect(isFinal(DEFAULT_WORKFLOW, 'rejected')).toBe(true);
    expect(isFinal(DEFAULT_WORKFLOW, 'in_review')).toBe(false);
    expect(isFinal(DEFAULT_WORKFLOW, 'nowhere')).toBe(false);
    expect(stateLabel(DEFAULT_WORKFLOW, 'closed')).toBe('Classée sans suite');
    expect(stateLabel(DEFAULT_WORKFLOW, 'archived')).toBe('archived');
    expect(stateLabel(DEFAULT_WORKFLOW, 'constructor')).toBe('constructor');
    expect(stateLabel(DEFAULT_WORKFLOW, '__proto__')).toBe('__proto__');
  });

  it('prefers the designer’s email template to the default of the same key', () => {
    const w = copy();
    w.emails = { submission_received: { subject: 'Reçu {{reference}}', body: 'Merci.' } };
    expect(emailTemplate(w, 'submission_received')!.subject).toBe('Reçu {{reference}}');
    expect(emailTemplate(w, 'decision_accepted')).toBe(DEFAULT_EMAILS.decision_accepted);
    expect(emailTemplate(DEFAULT_WORKFLOW, 'nope')).toBeUndefined();
    expect(emailTemplate(DEFAULT_WORKFLOW, 'constructor')).toBeUndefined();
  });
});
