import { ANTI_BOT_MODES, IDENTITY_CLAIMS, SILENCE_MEANINGS } from '@guichet/shared';
import { WORKFLOW_SCHEMA } from '@guichet/workflow';

const id = { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 63 };
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });

/**
 * The shape of a service definition document (its sections, not the form's
 * own schema, which the policy and ajv check). Published in docs/ as the
 * format's reference; the server checks every draft save and import with it.
 */
export const DEFINITION_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://guichet.example/schemas/service-definition-v1.json',
  title: 'Définition de démarche Guichet, version 1',
  type: 'object',
  additionalProperties: false,
  required: ['formatVersion', 'schema', 'pages', 'settings'],
  properties: {
    formatVersion: { const: 1 },
    schema: {
      type: 'object',
      required: ['type', 'properties'],
      properties: { type: { const: 'object' }, properties: { type: 'object', minProperties: 1 } },
    },
    uiSchema: { type: 'object' },
    pages: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'fields'],
        properties: {
          id,
          title: text(200),
          description: { type: 'string', maxLength: 2000 },
          fields: {
            type: 'array',
            minItems: 1,
            maxItems: 500,
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
          },
        },
      },
    },
    rules: {
      type: 'object',
      additionalProperties: false,
      properties: {
        visibility: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['target', 'when'],
            properties: { target: { type: 'string', pattern: '^(page:[a-z0-9-]+|(/[^/]+)+)$' }, when: {} },
          },
        },
        eligibility: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'blockWhen', 'message'],
            properties: { id, blockWhen: {}, message: text(1000) },
          },
        },
      },
    },
    settings: {
      type: 'object',
      additionalProperties: false,
      required: ['signIn'],
      properties: {
        signIn: { enum: ['required', 'optional', 'none'] },
        prefill: {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['claim', 'pointer'],
            properties: {
              claim: { enum: [...IDENTITY_CLAIMS] },
              pointer: { type: 'string', pattern: '^(/[^/]+)+$' },
              locked: { type: 'boolean' },
            },
          },
        },
        retentionMonths: { type: 'integer', minimum: 1, maximum: 1200 },
        closesAt: { type: 'string', format: 'date-time' },
        maxSubmissionsPerUser: { type: 'integer', minimum: 1 },
        webhookUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 },
        antiBot: { enum: [...ANTI_BOT_MODES] },
        receipt: {
          type: 'object',
          additionalProperties: false,
          properties: {
            silenceMeans: { enum: [...SILENCE_MEANINGS] },
            delayMonths: { type: 'integer', minimum: 1, maximum: 24 },
            delayDays: { type: 'integer', minimum: 1, maximum: 730 },
            service: {
              type: 'object',
              additionalProperties: false,
              properties: {
                name: text(200),
                address: text(500),
                email: { type: 'string', format: 'email', maxLength: 320 },
                phone: { type: 'string', pattern: '^[0-9+ .()-]{4,40}$' },
              },
            },
            appeals: {
              type: 'object',
              additionalProperties: false,
              properties: { authority: text(300), court: text(300) },
            },
          },
          // One delay: in months or in days, not both.
          dependentSchemas: { delayDays: { properties: { delayMonths: false } } },
        },
      },
    },
    workflow: WORKFLOW_SCHEMA,
  },
} as const;
