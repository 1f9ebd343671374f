import { hiddenPointers, publishProblems, type Expr, type ServiceDefinition } from '@guichet/shared';
import { canteenDefinition, validCanteenData } from '../../../../test/fixtures/canteen';

interface Question {
  pointer: string;
  label: string;
  kind: string;
  options: Array<{ value: string; label: string }>;
  block?: { pointer: string; label: string };
}
/**
 * The studio's condition helpers, loaded by jest at run time (see
 * definition.spec.ts: definition.ts reaches the browser's i18n). Their
 * signatures, as definition.ts declares them.
 */
const { describeCondition, itemCondition, questionsFor, setCondition } = jest.requireActual<{
  describeCondition(def: ServiceDefinition, expr: Expr, questions: Question[]): string | null;
  itemCondition(question: Question, condition: Expr, item?: 'any' | 'first'): Expr;
  questionsFor(def: ServiceDefinition, target: string): Question[];
  setCondition(def: ServiceDefinition, target: string, when: Expr | null): ServiceDefinition;
}>('./definition');

/** The canteen form with a required question after the children, for the families with a child at Louise-Michel. */
function withMorningCare(): ServiceDefinition {
  const def = canteenDefinition();
  (def.schema.properties as Record<string, unknown>).morningCare = {
    type: 'boolean',
    title: 'Accueil du matin à l’école Louise-Michel',
  };
  (def.schema.required as string[]).push('morningCare');
  def.pages.find((p) => p.id === 'enfants')!.fields.push('morningCare');
  return def;
}

describe('a display condition on the items of a repeatable block (issue 20)', () => {
  const def = withMorningCare();
  const questions = questionsFor(def, '/morningCare');
  const school = questions.find((q) => q.pointer === '/children/*/school')!;
  const condition = itemCondition(school, { eq: [{ field: school.pointer }, 'louise-michel'] });
  const designed = setCondition(def, '/morningCare', condition);

  it('offers the fields of another block, named by the block', () => {
    expect(school).toMatchObject({ label: 'École', kind: 'choice', block: { pointer: '/children', label: 'Enfants' } });
    // The target's own block: its fields read the target's item, no block to name.
    expect(questionsFor(def, '/children/*/substitute').find((q) => q.pointer === '/children/*/eatsPork')).toEqual(
      expect.not.objectContaining({ block: expect.anything() }),
    );
    // A block never depends on its own items.
    expect(questionsFor(def, '/children').some((q) => q.pointer.startsWith('/children/'))).toBe(false);
  });

  it('writes « at least one item » as any, « the first » as item 0, and says both in words', () => {
    expect(condition).toEqual({
      any: [{ field: '/children' }, { eq: [{ field: '/children/*/school' }, 'louise-michel'] }],
    });
    expect(describeCondition(designed, condition, questions)).toBe(
      '« École » est « louise-michel » pour au moins un élément de « Enfants »',
    );
    const first = itemCondition(school, { not: { empty: { field: school.pointer } } }, 'first');
    expect(first).toEqual({ not: { empty: { field: '/children/0/school' } } });
    expect(describeCondition(designed, first, questions)).toBe(
      '« École » est renseigné pour le premier élément de « Enfants »',
    );
    // An any over a block the studio does not know is not guessed at: the JSON tab says it.
    expect(describeCondition(designed, { any: [{ field: '/autre' }, condition] }, questions)).toBeNull();
  });

  it('hides the field until an item has the answer, by the rules the server runs too', () => {
    // The server's verdict on this very condition: libs/forms/src/visibility-items.spec.ts.
    expect(publishProblems(designed)).toEqual([]);
    const oneChild = validCanteenData();
    expect(hiddenPointers({ definition: designed, data: oneChild })).toContain('/morningCare');
    const twoChildren = {
      ...oneChild,
      children: [...(oneChild.children as object[]), { firstName: 'Inès', school: 'louise-michel', eatsPork: false }],
    };
    expect(hiddenPointers({ definition: designed, data: twoChildren })).not.toContain('/morningCare');
  });
});

describe('conditions read fields of groups kept in $defs (Pydantic, zod, OpenAPI exports)', () => {
  const def = {
    formatVersion: 1,
    schema: {
      type: 'object',
      $defs: {
        Adresse: {
          type: 'object',
          properties: { commune: { type: 'string', title: 'Commune', enum: ['Orléans', 'Tours'] } },
        },
        Enfant: { type: 'object', properties: { ecole: { type: 'string', title: 'École', enum: ['jaures', 'zola'] } } },
      },
      properties: {
        domicile: { $ref: '#/$defs/Adresse', title: 'Domicile' },
        enfants: { type: 'array', title: 'Enfants', items: { $ref: '#/$defs/Enfant' } },
        navette: { type: 'boolean', title: 'Navette du matin' },
      },
    },
    pages: [{ id: 'p', title: 'Page', fields: ['domicile', 'enfants', 'navette'] }],
    settings: { signIn: 'none' },
  } as unknown as ServiceDefinition;

  it('offers the fields of a $ref’d group and of $ref’d list items, not the group as a text', () => {
    const questions = questionsFor(def, '/navette');
    expect(questions.map((q) => q.pointer)).toEqual(['/domicile/commune', '/enfants/*/ecole']);
    expect(questions[0]).toMatchObject({ label: 'Commune', kind: 'choice' });
    expect(questions[1]).toMatchObject({ label: 'École', block: { pointer: '/enfants', label: 'Enfants' } });
    const designed = setCondition(def, '/navette', { eq: [{ field: '/domicile/commune' }, 'Orléans'] });
    expect(hiddenPointers({ definition: designed, data: { domicile: { commune: 'Tours' } } })).toContain('/navette');
    expect(hiddenPointers({ definition: designed, data: { domicile: { commune: 'Orléans' } } })).not.toContain(
      '/navette',
    );
  });
});

describe('conditions read fields that a branch or a condition of the schema declares (SurveyJS, Form.io exports)', () => {
  const def = {
    formatVersion: 1,
    schema: {
      type: 'object',
      properties: {
        mode: { type: 'string', title: 'Comment recevoir l’acte ?', enum: ['courriel', 'courrier'] },
        adresse: {
          type: 'object',
          title: 'Adresse',
          properties: { rue: { type: 'string', title: 'Rue' } },
          oneOf: [
            { title: 'En France', properties: { commune: { type: 'string', title: 'Commune' } } },
            { title: 'À l’étranger', properties: { pays: { type: 'string', title: 'Pays', enum: ['BE', 'CH'] } } },
          ],
        },
        navette: { type: 'boolean', title: 'Navette du matin' },
        // OpenAPI's inheritance: a group without a `type`, made of parts.
        responsable: {
          title: 'Responsable',
          allOf: [
            { properties: { nom: { type: 'string', title: 'Nom' } } },
            { properties: { age: { type: 'integer' } } },
          ],
        },
      },
      allOf: [
        {
          if: { properties: { mode: { const: 'courriel' } }, required: ['mode'] },
          then: { properties: { urgent: { type: 'boolean', title: 'Envoi urgent' } } },
        },
      ],
    },
    pages: [{ id: 'p', title: 'Page', fields: ['mode', 'adresse', 'navette'] }],
    settings: { signIn: 'none' },
  } as unknown as ServiceDefinition;

  it('offers them as the form draws them, as the server’s rules read them', () => {
    const pointers = questionsFor(def, '/navette').map((q) => q.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/mode', '/adresse/rue', '/adresse/commune', '/adresse/pays', '/urgent']),
    );
    expect(pointers).toEqual(expect.arrayContaining(['/responsable/nom', '/responsable/age']));
    expect(pointers).not.toContain('/responsable');
    expect(questionsFor(def, '/navette').find((q) => q.pointer === '/adresse/pays')).toMatchObject({
      label: 'Pays',
      kind: 'choice',
    });
    const designed = setCondition(def, '/navette', { eq: [{ field: '/urgent' }, true] });
    expect(publishProblems(designed).filter((p) => p.code.startsWith('rule'))).toEqual([]);
    expect(hiddenPointers({ definition: designed, data: { mode: 'courrier' } })).toContain('/navette');
    expect(hiddenPointers({ definition: designed, data: { mode: 'courriel', urgent: true } })).not.toContain(
      '/navette',
    );
  });
});

describe('conditions read the fields of a group or list typed with `null` (OpenAPI 3.1)', () => {
  const def = {
    formatVersion: 1,
    schema: {
      type: 'object',
      properties: {
        allocataire: {
          type: ['object', 'null'],
          title: 'Allocataire',
          properties: { organisme: { type: 'string', title: 'Organisme', enum: ['CAF', 'MSA'] } },
        },
        enfants: {
          type: ['array', 'null'],
          title: 'Enfants',
          items: { type: 'object', properties: { ecole: { type: 'string', title: 'École' } } },
        },
        navette: { type: 'boolean', title: 'Navette du matin' },
      },
    },
    pages: [{ id: 'p', title: 'Page', fields: ['allocataire', 'enfants', 'navette'] }],
    settings: { signIn: 'none' },
  } as unknown as ServiceDefinition;

  it('offers the group’s fields and the list items’ fields, not the group as a text', () => {
    const questions = questionsFor(def, '/navette');
    expect(questions.map((q) => q.pointer)).toEqual(['/allocataire/organisme', '/enfants/*/ecole']);
    expect(questions[0]).toMatchObject({ label: 'Organisme', kind: 'choice' });
  });
});
