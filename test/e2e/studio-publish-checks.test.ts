import request from 'supertest';
import { DataSource } from 'typeorm';
import { DEFAULT_WORKFLOW } from '@guichet/workflow';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/**
 * What the studio saves but does not publish (a label emptied, a proposed
 * answer without words), routing rules that read a repeatable block, and
 * files in trials, over HTTP.
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

  it('lets a trial attach files to go through every page: kept with the trial, checked at submit, deleted with it', async () => {
    const slug = 'cantine-essai-fichiers';
    const definition = canteenDefinition();
    (definition.schema.required as string[]).push('certificate');
    await api()
      .post('/api/v1/services', { slug, title: 'Cantine', organisationId: designer.organisationId, definition })
      .expect(201);
    const base = `/api/v1/services/${slug}/test-submissions`;
    const data = { ...validCanteenData(), hasAllergy: 'oui', allergyDetails: 'Arachide' };
    const trial = (await api().post(base, { data }).expect(201)).body as { id: string };
    const upload = (pointer: string, bytes: Buffer, name: string) =>
      request(stack.url)
        .post(`${base}/${trial.id}/attachments`)
        .set('Authorization', designer.auth)
        .field('pointer', pointer)
        .attach('file', bytes, name);

    // Without the required certificate the trial cannot be sent, as a request could not.
    const missing = await api().post(`${base}/${trial.id}/submit`).expect(422);
    expect(missing.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/certificate');
    // Checked as a citizen's file: the type from the content, a file field only.
    expect((await upload('/certificate', Buffer.from('pas un pdf'), 'faux.pdf').expect(422)).body.code).toBe(
      'FILE_TYPE_NOT_ACCEPTED',
    );
    expect((await upload('/allergyDetails', PDF, 'certificat.pdf').expect(400)).body.errors[0].code).toBe(
      'not_a_file_field',
    );
    const sent = await upload('/certificate', PDF, 'certificat médical.pdf').expect(201);
    expect(sent.body).toEqual({ attachmentId: expect.any(String), mediaType: 'application/pdf', bytes: PDF.length });
    // A file id the trial does not hold is refused at submit; its own goes through.
    await request(stack.url)
      .patch(`${base}/${trial.id}`)
      .set('Authorization', designer.auth)
      .send({ data: { ...data, certificate: '00000000-0000-4000-8000-000000000000' } })
      .expect(200);
    const unknown = await api().post(`${base}/${trial.id}/submit`).expect(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '/certificate', code: 'x-file' })]);
    await request(stack.url)
      .patch(`${base}/${trial.id}`)
      .set('Authorization', designer.auth)
      .send({ data: { ...data, certificate: sent.body.attachmentId } })
      .expect(200);
    await api().post(`${base}/${trial.id}/submit`).expect(200);

    // Kept apart from real requests' files, and gone with the trial at publication.
    const db = stack.api.get(DataSource);
    const held = async () =>
      (
        await db.query(
          'SELECT (SELECT count(*)::int FROM test_attachment WHERE organisation_id = $1) AS trial, (SELECT count(*)::int FROM attachment WHERE organisation_id = $1) AS real',
          [designer.organisationId],
        )
      )[0] as { trial: number; real: number };
    expect(await held()).toEqual({ trial: 1, real: 0 });
    await api().post(`/api/v1/services/${slug}/publish`).expect(201);
    expect(await held()).toEqual({ trial: 0, real: 0 });
    // Another organisation's designer reaches nothing.
    const stranger = await createTenant(stack, 'designer');
    await request(stack.url)
      .post(`${base}/${trial.id}/attachments`)
      .set('Authorization', stranger.auth)
      .field('pointer', '/certificate')
      .attach('file', PDF, 'x.pdf')
      .expect(404);
  });
});
