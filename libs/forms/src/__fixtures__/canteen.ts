import type { ServiceDefinition } from '@guichet/shared';

/** A small school-canteen enrolment: pages, a repeatable group, a conditional page, a file, an eligibility rule. */
export function canteenDefinition(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['parent', 'children', 'hasAllergy'],
      properties: {
        parent: {
          type: 'object',
          title: 'Responsable légal',
          additionalProperties: false,
          required: ['lastName', 'firstName', 'email', 'postalCode'],
          properties: {
            lastName: { type: 'string', title: 'Nom', minLength: 1, maxLength: 100 },
            firstName: { type: 'string', title: 'Prénom', minLength: 1, maxLength: 100 },
            email: { type: 'string', title: 'Courriel', format: 'email' },
            phone: { type: 'string', title: 'Téléphone', format: 'fr-phone' },
            postalCode: { type: 'string', title: 'Code postal', format: 'fr-postal-code' },
          },
        },
        children: {
          type: 'array',
          title: 'Enfants',
          minItems: 1,
          maxItems: 5,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['firstName', 'school', 'eatsPork'],
            properties: {
              firstName: { type: 'string', title: 'Prénom', minLength: 1 },
              school: { type: 'string', title: 'École', enum: ['jules-ferry', 'louise-michel'] },
              eatsPork: { type: 'boolean', title: 'Mange du porc' },
              substitute: { type: 'string', title: 'Repas de substitution', enum: ['sans-viande', 'poisson'] },
            },
          },
        },
        hasAllergy: { type: 'string', title: 'Votre enfant a-t-il une allergie alimentaire ?', enum: ['oui', 'non'] },
        allergyDetails: { type: 'string', title: 'Précisez', minLength: 3 },
        certificate: {
          type: 'string',
          title: 'Certificat médical',
          'x-file': { accept: ['application/pdf', 'image/*'], maxBytes: 5242880 },
        },
        siret: { type: 'string', title: 'SIRET de l’employeur', format: 'siret' },
      },
    },
    pages: [
      { id: 'responsable', title: 'Responsable légal', fields: ['parent', 'siret'] },
      { id: 'enfants', title: 'Enfants', fields: ['children', 'hasAllergy'] },
      { id: 'allergies', title: 'Allergies', fields: ['allergyDetails', 'certificate'] },
    ],
    rules: {
      visibility: [
        { target: 'page:allergies', when: { eq: [{ field: '/hasAllergy' }, 'oui'] } },
        { target: '/children/*/substitute', when: { eq: [{ field: '/children/*/eatsPork' }, false] } },
      ],
      eligibility: [
        {
          id: 'hors-commune',
          blockWhen: { not: { in: [{ field: '/parent/postalCode' }, ['45000', '45100']] } },
          message: 'La restauration scolaire est réservée aux familles domiciliées dans la commune.',
        },
      ],
    },
    settings: {
      signIn: 'optional',
      prefill: [{ claim: 'family_name', pointer: '/parent/lastName', locked: true }],
      retentionMonths: 12,
    },
  };
}

export function validCanteenData(): Record<string, unknown> {
  return {
    parent: { lastName: 'Dubois', firstName: 'Marie-Claire', email: 'marie.dubois@example.fr', postalCode: '45000' },
    children: [{ firstName: 'Léo', school: 'jules-ferry', eatsPork: true }],
    hasAllergy: 'non',
  };
}
