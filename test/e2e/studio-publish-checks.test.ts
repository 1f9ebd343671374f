import request from 'supertest';
import { DEFAULT_WORKFLOW } from '@guichet/workflow';
import { canteenDefinition } from '../fixtures/canteen';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

/**
 * What the studio saves but does not publish (a label emptied, a choice
 * with no answer), and routing rules that read a repeatable block, over HTTP.
 */
describe('designers: publish checks and routing on repeatable blocks', () => {
  let stack: Stack;
  let designer: Tenant;

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    designer = await createTenant(stack, 'designer');
  });
  afterAll(() => stack?.close());

  const api = () => ({
    post: (path: string, body: object = {}) =>
      request(stack.url).post(path).set('Authorization', designer.auth).send(body),
    put: (path: string, body: object) => request(stack.url).put(path).set('Authorization', designer.auth).send(body),
  });

  it('saves a draft whose label was emptied, but refuses to publish it, saying where', async () => {
    const slug = 'cantine-libelles';
    await api()
      .post('/api/v1/services', {
        slug,
        title: 'Cantine',
        organisationId: designer.organisationId,
        definition: canteenDefinition(),
      })
      .expect(201);
    const draft = canteenDefinition();
    const props = draft.schema.properties as Record<string, Record<string, unknown>>;
    delete props.allergyDetails!.title; // the studio deletes a label emptied
    delete props.hasAllergy!.enum;
    props.hasAllergy!.oneOf = [
      { const: 'oui', title: 'Oui' },
      { const: 'non', title: '' },
    ];
    draft.pages[2]!.title = ' ';
    const saved = await api().put(`/api/v1/services/${slug}/draft`, draft);
    expect(saved.body.errors).toBeUndefined();
    expect(saved.status).toBe(200);

    for (const route of ['publish/preview', 'publish']) {
      const refused = await api().post(`/api/v1/services/${slug}/${route}`).expect(422);
      expect(refused.body.code).toBe('DEFINITION_NOT_PUBLISHABLE');
      expect(refused.body.message).toMatch(/ne peut pas être publiée/);
      expect(refused.body.errors).toEqual([
        {
          pointer: '/schema/properties/hasAllergy/oneOf/1/title',
          code: 'missing_label',
          message: 'La réponse 2 proposée par « Votre enfant a-t-il une allergie alimentaire ? » n’a pas de libellé.',
        },
        {
          pointer: '/schema/properties/allergyDetails/title',
          code: 'missing_label',
          message:
            'Le champ « allergyDetails » n’a pas de libellé : les usagers liraient « allergyDetails ». Donnez-lui un libellé avant de publier.',
        },
        {
          pointer: '/pages/2/title',
          code: 'missing_label',
          message: expect.stringContaining('L’étape 3 n’a pas de titre'),
        },
      ]);
    }
    // Nothing was published.
    const view = await request(stack.url)
      .get(`/api/v1/services/${slug}`)
      .set('Authorization', designer.auth)
      .expect(200);
    expect(view.body.latestVersion).toBeNull();

    // Fixed, it publishes.
    await api().put(`/api/v1/services/${slug}/draft`, canteenDefinition()).expect(200);
    await api().post(`/api/v1/services/${slug}/publish`).expect(201);
  });

  it('routes on a field of a repeatable block through « any » or the first item, and says how when neither', async () => {
    const slug = 'cantine-orientation';
    const withRouting = (when: unknown) => ({
      ...canteenDefinition(),
      workflow: {
        ...structuredClone(DEFAULT_WORKFLOW),
        routing: { rules: [{ when, group: 'Cantine Jules-Ferry' }], defaultGroup: 'instruction' },
      },
    });
    const any = { any: [{ field: '/children' }, { eq: [{ field: '/children/*/school' }, 'jules-ferry'] }] };
    await api()
      .post('/api/v1/services', {
        slug,
        title: 'Cantine',
        organisationId: designer.organisationId,
        definition: withRouting(any),
      })
      .expect(201);
    await api()
      .put(`/api/v1/services/${slug}/draft`, withRouting({ eq: [{ field: '/children/0/school' }, 'jules-ferry'] }))
      .expect(200);
    const unbound = await api()
      .put(`/api/v1/services/${slug}/draft`, withRouting({ eq: [{ field: '/children/*/school' }, 'jules-ferry'] }))
      .expect(422);
    expect(unbound.body.errors).toEqual([
      {
        pointer: '/workflow/routing/rules/0/when/eq/0/field',
        code: 'rule_unbound_item',
        message: expect.stringContaining('est dans un bloc répétable'),
      },
    ]);
    const notAList = await api()
      .put(`/api/v1/services/${slug}/draft`, withRouting({ any: [{ field: '/hasAllergy' }, true] }))
      .expect(422);
    expect(notAList.body.errors[0]).toMatchObject({
      pointer: '/workflow/routing/rules/0/when/any/0/field',
      code: 'rule_not_a_list',
    });
  });
});
