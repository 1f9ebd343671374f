import { ACTOR_KINDS, DOCUMENT_TEMPLATES, IDENTIFIER_PATTERN, WORKFLOW_LIMITS as LIMITS } from '@guichet/shared';

const identifier = { type: 'string', pattern: IDENTIFIER_PATTERN };
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
const action = (type: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  required: ['type', ...Object.keys(extra)],
  properties: { type: { const: type }, ...extra },
});

/**
 * The `workflow` section's shape, as JSON Schema 2020-12: the part of
 * service-definition-v1.schema.json that documents it. `checkWorkflow`
 * enforces all of it and the meaning besides (states that exist, reachable,
 * deadlines the system can fire…), with French messages.
 */
export const WORKFLOW_SCHEMA = {
  type: 'object',
  description: 'Circuit d’instruction : états, transitions, orientation, courriels. Absent : le circuit par défaut.',
  additionalProperties: false,
  required: ['states', 'transitions'],
  properties: {
    states: {
      type: 'object',
      description: 'Les états, par nom. « draft » (brouillon) et « submitted » (déposée) sont obligatoires.',
      required: ['draft', 'submitted'],
      maxProperties: LIMITS.states,
      propertyNames: identifier,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['label'],
        properties: {
          label: text(LIMITS.label),
          final: { type: 'boolean', description: 'Une décision : aucune transition n’en part.' },
          actions: {
            type: 'array',
            description: 'Faites à chaque entrée dans l’état, dans l’ordre.',
            maxItems: LIMITS.actionsPerState,
            items: {
              oneOf: [
                action('notify', { template: identifier }),
                action('webhook'),
                action('document', { template: { enum: [...DOCUMENT_TEMPLATES] } }),
                action('route'),
              ],
            },
          },
          deadline: {
            type: 'object',
            description:
              'Passé ce délai (durée ISO 8601) dans l’état, le système déclenche la transition. ' +
              'Chaque nouvelle entrée dans l’état fait repartir le délai en entier.',
            additionalProperties: false,
            required: ['after', 'transition'],
            properties: {
              after: {
                type: 'string',
                maxLength: LIMITS.duration,
                pattern: '^P(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?$',
                examples: ['P2M', 'P60D', 'PT48H'],
              },
              transition: identifier,
            },
          },
        },
      },
    },
    transitions: {
      type: 'array',
      minItems: 1,
      maxItems: LIMITS.transitions,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'label', 'from', 'to', 'by'],
        properties: {
          name: identifier,
          label: text(LIMITS.label),
          from: { type: 'array', minItems: 1, uniqueItems: true, items: identifier },
          to: identifier,
          by: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...ACTOR_KINDS] } },
          commentRequired: { type: 'boolean' },
        },
      },
    },
    routing: {
      type: 'object',
      description: 'Le groupe instructeur : celui de la première règle dont la condition est vraie, sinon le défaut.',
      additionalProperties: false,
      required: ['rules', 'defaultGroup'],
      properties: {
        rules: {
          type: 'array',
          maxItems: LIMITS.routingRules,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['when', 'group'],
            properties: { when: { description: 'Une expression du langage des règles.' }, group: text(LIMITS.group) },
          },
        },
        defaultGroup: text(LIMITS.group),
      },
    },
    emails: {
      type: 'object',
      description: 'Modèles de courriel (texte brut) : nouveaux, ou remplaçant un modèle fourni de même nom.',
      maxProperties: LIMITS.emails,
      propertyNames: identifier,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['subject', 'body'],
        properties: {
          subject: { ...text(LIMITS.subject), pattern: '^[^\\r\\n]*$' },
          body: text(LIMITS.body),
        },
      },
    },
  },
} as const;
