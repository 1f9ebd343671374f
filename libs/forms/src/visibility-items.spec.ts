import { hiddenPointers, publishProblems, type ServiceDefinition } from '@guichet/shared';
import { canteenDefinition, validCanteenData } from '../../../test/fixtures/canteen';
import { checkDefinition } from './check-definition';
import { FormValidator } from './validator';

/**
 * A field shown when at least one item of a repeatable block has an answer,
 * as the studio writes it (apps/web/src/studio/conditions.spec.ts): the
 * server accepts the definition, and its verdict agrees with the rules the
 * citizen's browser runs (hiddenPointers).
 */
function withMorningCare(): ServiceDefinition {
  const def = canteenDefinition();
  (def.schema.properties as Record<string, unknown>).morningCare = {
    type: 'boolean',
    title: 'Accueil du matin à l’école Louise-Michel',
  };
  (def.schema.required as string[]).push('morningCare');
  def.pages.find((p) => p.id === 'enfants')!.fields.push('morningCare');
  def.rules!.visibility!.push({
    target: '/morningCare',
    when: { any: [{ field: '/children' }, { eq: [{ field: '/children/*/school' }, 'louise-michel'] }] },
  });
  return def;
}

describe('a field shown for at least one item of a repeatable block (issue 20)', () => {
  const def = withMorningCare();
  const validator = new FormValidator(def);
  const oneChild = { ...validCanteenData(), morningCare: true };
  const twoChildren = {
    ...oneChild,
    children: [
      ...(validCanteenData().children as object[]),
      { firstName: 'Inès', school: 'louise-michel', eatsPork: false },
    ],
  };

  it('is a definition the server accepts and publishes', () => {
    expect(checkDefinition(def)).toMatchObject({ ok: true });
    expect(publishProblems(def)).toEqual([]);
  });

  it('drops the answer and excuses the field while no item has the answer', () => {
    expect(hiddenPointers({ definition: def, data: oneChild })).toContain('/morningCare');
    const outcome = validator.validate(oneChild, { mode: 'submit' });
    expect(outcome.valid).toBe(true);
    expect(outcome.data).not.toHaveProperty('morningCare');
  });

  it('keeps and requires it as soon as one item has the answer', () => {
    expect(hiddenPointers({ definition: def, data: twoChildren })).not.toContain('/morningCare');
    expect(validator.validate(twoChildren, { mode: 'submit' })).toMatchObject({
      valid: true,
      data: { morningCare: true },
    });
    const { morningCare: _, ...unanswered } = twoChildren;
    expect(validator.validate(unanswered, { mode: 'submit' }).errors).toEqual([
      expect.objectContaining({ pointer: '/morningCare', code: 'required' }),
    ]);
  });
});
