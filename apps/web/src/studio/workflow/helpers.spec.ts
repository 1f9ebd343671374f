import { checkWorkflow, DEFAULT_WORKFLOW, parseDuration, type WorkflowDefinition } from '@guichet/shared';
import {
  closingDateToIso,
  dedupeProblems,
  domId,
  durationToWords,
  identifierFrom,
  inSettingsScope,
  insertAt,
  inWorkflowScope,
  isoToClosingDate,
  parseWholeNumber,
  placeProblems,
  routingCondition,
  routingFields,
  simpleCondition,
  wordsToDuration,
  workflowAnchors,
} from './helpers';

describe('durations in words', () => {
  it.each([
    ['15', 'D', 'P15D'],
    [' 2 ', 'W', 'P2W'],
    [3, 'M', 'P3M'],
    ['120', 'M', 'P120M'],
    ['3652', 'D', 'P3652D'],
  ] as const)('%j %s → %s', (amount, unit, iso) => {
    expect(wordsToDuration(amount, unit)).toBe(iso);
    expect(parseDuration(iso)).not.toBeNull();
  });

  it.each([
    ['', 'D'],
    ['0', 'D'],
    ['1.5', 'M'],
    ['-1', 'D'],
    ['deux', 'M'],
    ['121', 'M'],
    ['3653', 'D'],
    ['1', 'Y'],
  ])('refuses %j %s', (amount, unit) => {
    expect(wordsToDuration(amount, unit as never)).toBeNull();
  });

  it.each([
    ['P15D', { amount: 15, unit: 'D' }],
    ['P14D', { amount: 14, unit: 'D' }],
    ['P2W', { amount: 2, unit: 'W' }],
    ['P2M', { amount: 2, unit: 'M' }],
    ['P1Y', { amount: 12, unit: 'M' }],
    ['P1Y6M', { amount: 18, unit: 'M' }],
  ])('reads %s', (iso, words) => {
    expect(durationToWords(iso)).toEqual(words);
  });

  it.each(['PT48H', 'P1M2D', 'P0D', 'P2 months', '', undefined, 60])('cannot say %j in words', (iso) => {
    expect(durationToWords(iso)).toBeNull();
  });

  it('round-trips', () => {
    for (const unit of ['D', 'W', 'M'] as const)
      for (const amount of [1, 2, 7, 30, 100]) {
        const iso = wordsToDuration(amount, unit)!;
        expect(durationToWords(iso)).toEqual({ amount, unit });
      }
  });
});

describe('insertAt', () => {
  it('inserts at the caret and puts the caret after it', () => {
    expect(insertAt('Bonjour ,', 8, 8, '{{givenName}}')).toEqual({ text: 'Bonjour {{givenName}},', caret: 21 });
  });

  it('replaces the selection', () => {
    expect(insertAt('Réf. XXX.', 5, 8, '{{reference}}')).toEqual({ text: 'Réf. {{reference}}.', caret: 18 });
  });

  it('inserts at the end without a position, or with one out of range', () => {
    expect(insertAt('abc', null, null, 'X')).toEqual({ text: 'abcX', caret: 4 });
    expect(insertAt('abc', 10, 12, 'X')).toEqual({ text: 'abcX', caret: 4 });
    expect(insertAt('abc', -1, 2, 'X')).toEqual({ text: 'abcX', caret: 4 });
    expect(insertAt('', undefined, undefined, 'X')).toEqual({ text: 'X', caret: 1 });
  });

  it('never takes an end before the start', () => {
    expect(insertAt('abcdef', 4, 1, 'X')).toEqual({ text: 'abcdXef', caret: 5 });
  });
});

describe('identifierFrom', () => {
  it('makes a name from a French label', () => {
    expect(identifierFrom('En attente de paiement', [])).toBe('en_attente_de_paiement');
    expect(identifierFrom('Œuvre  à  l’étude !', [])).toBe('oeuvre_a_l_etude');
    expect(identifierFrom('2e examen', [])).toBe('etat_2e_examen');
    expect(identifierFrom('', [], 'transition')).toBe('transition');
    expect(identifierFrom('Expirée', ['expiree', 'expiree_2'])).toBe('expiree_3');
  });

  it('always matches the identifier pattern', () => {
    for (const label of ['x'.repeat(80), '___', 'Ça', 'É'.repeat(50), '😀', 'a b c'])
      expect(identifierFrom(label, ['a_b_c'])).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
  });
});

describe('closing date', () => {
  it('closes at the end of the day, Paris time, in winter and summer', () => {
    expect(closingDateToIso('2027-01-31')).toBe('2027-01-31T23:59:59+01:00');
    expect(closingDateToIso('2027-07-14')).toBe('2027-07-14T23:59:59+02:00');
  });

  it('refuses what is not a real date', () => {
    for (const bad of ['', '2027-02-30', '31/01/2027', '2027-1-3']) expect(closingDateToIso(bad)).toBeNull();
  });

  it('reads the day back, in Paris', () => {
    expect(isoToClosingDate('2027-01-31T23:59:59+01:00')).toBe('2027-01-31');
    expect(isoToClosingDate('2027-03-31T23:59:59+02:00')).toBe('2027-03-31');
    expect(isoToClosingDate('2027-03-31T22:30:00Z')).toBe('2027-04-01');
    expect(isoToClosingDate('soon')).toBe('');
    expect(isoToClosingDate(undefined)).toBe('');
  });
});

describe('parseWholeNumber', () => {
  it('reads whole numbers in range', () => {
    expect(parseWholeNumber(' 12 ', 1, 1200)).toBe(12);
    expect(parseWholeNumber('1 200', 1, 1200)).toBe(1200);
    for (const bad of ['', '0', '1201', '1.5', '-3', 'douze']) expect(parseWholeNumber(bad, 1, 1200)).toBeNull();
  });
});

describe('where problems are shown', () => {
  const copy = (): WorkflowDefinition => structuredClone(DEFAULT_WORKFLOW);

  it('gives DOM ids that are unique per pointer', () => {
    expect(domId('/workflow/states/in_review/label')).toBe('wf-workflow-states-in_review-label');
    expect(domId('/workflow/emails/a b')).not.toBe(domId('/workflow/emails/a_b'));
  });

  it('places every live problem of a broken workflow next to a control', () => {
    const w = copy();
    w.states.in_review!.deadline = { after: 'P0D', transition: 'accept' };
    w.states.in_review!.actions = [{ type: 'notify', template: 'nope' }];
    w.transitions[4]!.to = 'approved';
    w.transitions[1]!.label = '';
    w.routing = { rules: [{ when: { eq: [{ field: '/nope' }, 'x'] }, group: ' ' }], defaultGroup: 'A' };
    w.emails = { relance: { subject: 'x', body: '{{prenom}}' } };
    const problems = checkWorkflow(w, new Set(['/school']));
    expect(problems.length).toBeGreaterThan(5);
    const placed = placeProblems(problems, workflowAnchors(w), inWorkflowScope);
    expect(placed.unplaced).toEqual([]);
    expect([...placed.at.keys()]).toEqual(
      expect.arrayContaining([
        '/workflow/states/in_review/deadline/after',
        '/workflow/states/in_review/deadline/transition',
        '/workflow/states/in_review/actions/0/template',
        '/workflow/transitions/4/to',
        '/workflow/transitions/1/label',
        '/workflow/routing/rules/0/when',
        '/workflow/routing/rules/0/group',
        '/workflow/emails/relance/body',
      ]),
    );
  });

  it('keeps what has no control for the top, and leaves out other tabs’ problems', () => {
    const w = copy();
    const items = [
      { pointer: '/workflow', code: 'type', message: 'a' },
      { pointer: '/workflow/states/draft/final', code: 'type', message: 'b' },
      { pointer: '/workflow/states/ghost', code: 'x', message: 'c' },
      { pointer: '/workflow/transitions/0/from/0', code: 'x', message: 'd' },
      { pointer: '/settings/webhookUrl', code: 'format', message: 'e' },
      { pointer: '/schema/properties/x', code: 'x', message: 'f' },
      { code: 'x', message: 'g' },
    ];
    const placed = placeProblems(items, workflowAnchors(w), inWorkflowScope);
    expect(placed.unplaced.map((p) => p.message)).toEqual(['a']);
    expect(placed.at.get('/workflow/states/draft')?.map((p) => p.message)).toEqual(['b']);
    expect(placed.at.get('/workflow/states')?.map((p) => p.message)).toEqual(['c']);
    expect(placed.at.get('/workflow/transitions/0/from')?.map((p) => p.message)).toEqual(['d']);
    expect(placed.at.get('/settings/webhookUrl')?.map((p) => p.message)).toEqual(['e']);
  });

  it('scopes the settings tab', () => {
    expect(inSettingsScope('/settings/retentionMonths')).toBe(true);
    expect(inSettingsScope('/settings')).toBe(true);
    expect(inSettingsScope('/settings/webhookUrl')).toBe(false);
    expect(inSettingsScope('/settings/prefill/0/claim')).toBe(false);
    expect(inSettingsScope('/settingsX')).toBe(false);
  });

  it('dedupes the server’s and the live check’s problems', () => {
    const p = { pointer: '/workflow/states', code: 'no_final_state', message: 'm' };
    expect(dedupeProblems([p, { ...p }, { ...p, code: 'other' }])).toHaveLength(2);
  });
});

describe('routing fields and conditions', () => {
  const schema = {
    type: 'object',
    $defs: { school: { type: 'string', title: 'École', enum: ['jules-ferry', 'pasteur'] } },
    properties: {
      school: { $ref: '#/$defs/school' },
      amount: { type: 'integer', title: 'Montant' },
      child: {
        type: 'object',
        title: 'Enfant',
        properties: {
          regime: {
            type: 'string',
            title: 'Régime',
            oneOf: [
              { const: 'std', title: 'Standard' },
              { const: 'veg', title: 'Végétarien' },
            ],
          },
        },
      },
      children: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      agree: { type: 'boolean', title: 'Accord' },
      proof: { type: 'string', format: 'data-url' },
    },
  };

  it('lists one-value fields, those of repeatable blocks with their block, and their choices', () => {
    expect(routingFields(schema)).toEqual([
      {
        pointer: '/school',
        label: 'École',
        kind: 'text',
        options: [
          { value: 'jules-ferry', label: 'jules-ferry' },
          { value: 'pasteur', label: 'pasteur' },
        ],
      },
      { pointer: '/amount', label: 'Montant', kind: 'number' },
      {
        pointer: '/child/regime',
        label: 'Enfant › Régime',
        kind: 'text',
        options: [
          { value: 'std', label: 'Standard' },
          { value: 'veg', label: 'Végétarien' },
        ],
      },
      {
        pointer: '/children/*/name',
        label: 'children › name',
        kind: 'text',
        block: { pointer: '/children', label: 'children' },
      },
      { pointer: '/agree', label: 'Accord', kind: 'boolean' },
    ]);
    expect(routingFields(true)).toEqual([]);
  });

  it('reads « field equals value » and nothing else', () => {
    expect(simpleCondition({ eq: [{ field: '/school' }, 'pasteur'] })).toEqual({ field: '/school', value: 'pasteur' });
    expect(simpleCondition({ eq: [{ field: '' }, ''] })).toEqual({ field: '', value: '' });
    expect(simpleCondition({ eq: [{ claim: 'email' }, 'x'] })).toBeNull();
    expect(simpleCondition({ eq: [{ field: '/a' }, ['x']] })).toBeNull();
    expect(simpleCondition({ in: [{ field: '/a' }, ['x']] })).toBeNull();
    expect(simpleCondition(true)).toBeNull();
  });

  it('reads and writes « at least one » and « the first » item of a repeatable block', () => {
    const [school] = routingFields({
      type: 'object',
      properties: {
        children: {
          type: 'array',
          title: 'Enfants',
          items: { type: 'object', properties: { school: { type: 'string', title: 'École' } } },
        },
      },
    });
    expect(school).toEqual({
      pointer: '/children/*/school',
      label: 'Enfants › École',
      kind: 'text',
      block: { pointer: '/children', label: 'Enfants' },
    });
    const any = routingCondition(school, school!.pointer, 'jf', 'any');
    expect(any).toEqual({ any: [{ field: '/children' }, { eq: [{ field: '/children/*/school' }, 'jf'] }] });
    expect(simpleCondition(any)).toEqual({ field: '/children/*/school', value: 'jf', item: 'any' });
    const first = routingCondition(school, school!.pointer, 'jf', 'first');
    expect(first).toEqual({ eq: [{ field: '/children/0/school' }, 'jf'] });
    expect(simpleCondition(first)).toEqual({ field: '/children/*/school', value: 'jf', item: 'first' });
    // Outside a block, as before; an « any » the editor would not write stays advanced.
    expect(routingCondition(undefined, '/a', 1)).toEqual({ eq: [{ field: '/a' }, 1] });
    expect(simpleCondition({ any: [{ field: '/children' }, { eq: [{ field: '/other/*/x' }, 1] }] })).toBeNull();
    expect(simpleCondition({ any: [{ field: '/children' }, { ne: [{ field: '/children/*/x' }, 1] }] })).toBeNull();
  });
});
