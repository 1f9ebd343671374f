import { deepFreeze } from '../deep-freeze';
import { DEFAULT_GROUP, type EmailTemplate, type WorkflowDefinition } from './types';

/**
 * The démarches-simplifiées lifecycle (docs/definition-format.md, "Workflow"),
 * used by every service whose definition has no `workflow`. Frozen: copy it
 * (structuredClone) to start a designer's own.
 */
export const DEFAULT_WORKFLOW: WorkflowDefinition = deepFreeze<WorkflowDefinition>({
  states: {
    draft: { label: 'Brouillon' },
    submitted: {
      label: 'Déposée',
      actions: [{ type: 'notify', template: 'submission_received' }, { type: 'webhook' }, { type: 'route' }],
    },
    in_review: { label: 'En instruction', actions: [{ type: 'webhook' }] },
    changes_requested: {
      label: 'Modifications demandées',
      actions: [{ type: 'notify', template: 'changes_requested' }, { type: 'webhook' }],
    },
    accepted: {
      label: 'Acceptée',
      final: true,
      actions: [
        { type: 'document', template: 'acceptance' },
        { type: 'notify', template: 'decision_accepted' },
        { type: 'webhook' },
      ],
    },
    rejected: {
      label: 'Refusée',
      final: true,
      actions: [
        { type: 'document', template: 'refusal' },
        { type: 'notify', template: 'decision_rejected' },
        { type: 'webhook' },
      ],
    },
    closed: {
      label: 'Classée sans suite',
      final: true,
      actions: [{ type: 'notify', template: 'decision_closed' }, { type: 'webhook' }],
    },
  },
  transitions: [
    { name: 'submit', label: 'Déposer', from: ['draft'], to: 'submitted', by: ['citizen'] },
    {
      name: 'start_review',
      label: 'Commencer l’instruction',
      from: ['submitted'],
      to: 'in_review',
      by: ['caseworker'],
    },
    {
      name: 'request_changes',
      label: 'Demander des modifications',
      from: ['in_review'],
      to: 'changes_requested',
      by: ['caseworker'],
      commentRequired: true,
    },
    {
      name: 'resubmit',
      label: 'Déposer à nouveau',
      from: ['changes_requested'],
      to: 'submitted',
      by: ['citizen'],
    },
    { name: 'accept', label: 'Accepter', from: ['in_review'], to: 'accepted', by: ['caseworker'] },
    {
      name: 'reject',
      label: 'Refuser',
      from: ['in_review'],
      to: 'rejected',
      by: ['caseworker'],
      commentRequired: true,
    },
    {
      name: 'close',
      label: 'Classer sans suite',
      from: ['submitted', 'in_review', 'changes_requested'],
      to: 'closed',
      by: ['caseworker'],
      commentRequired: true,
    },
  ],
  routing: { rules: [], defaultGroup: DEFAULT_GROUP },
});

const SIGNATURE = '\n\n{{organisation}}\n\nCe message est envoyé automatiquement : merci de ne pas y répondre.\n';

/**
 * The emails the default workflow sends, in plain French. A designer
 * replaces one by giving the same key in the workflow's `emails`.
 */
export const DEFAULT_EMAILS: Record<string, EmailTemplate> = deepFreeze<Record<string, EmailTemplate>>({
  submission_received: {
    subject: 'Votre demande {{reference}} a bien été déposée',
    body:
      'Bonjour {{givenName}},\n\n' +
      'Votre demande « {{service}} » a bien été déposée auprès de {{organisation}}.\n' +
      'Sa référence est {{reference}} : rappelez-la si vous contactez le service.\n\n' +
      'Vous pouvez suivre son avancement à tout moment : {{link}}\n\n' +
      'Ce message confirme la réception de votre demande ; il ne vaut pas décision. ' +
      'Un courriel vous informera de chaque étape importante.' +
      SIGNATURE,
  },
  changes_requested: {
    subject: 'Votre demande {{reference}} : des modifications sont nécessaires',
    body:
      'Bonjour {{givenName}},\n\n' +
      'Le service chargé de votre demande « {{service}} » (référence {{reference}}) ' +
      'vous demande de la compléter ou de la corriger :\n\n' +
      '{{comment}}\n\n' +
      'Pour modifier votre demande puis la déposer à nouveau : {{link}}\n\n' +
      'L’instruction reprendra lorsque vous aurez déposé votre demande modifiée.' +
      SIGNATURE,
  },
  decision_accepted: {
    subject: 'Votre demande {{reference}} a été acceptée',
    body:
      'Bonjour {{givenName}},\n\n' +
      'Nous avons le plaisir de vous informer que votre demande « {{service}} » ' +
      '(référence {{reference}}) a été acceptée.\n\n' +
      'Le courrier de décision est disponible dans le suivi de votre demande : {{link}}' +
      SIGNATURE,
  },
  decision_rejected: {
    subject: 'Votre demande {{reference}} a été refusée',
    body:
      'Bonjour {{givenName}},\n\n' +
      'Nous sommes au regret de vous informer que votre demande « {{service}} » ' +
      '(référence {{reference}}) a été refusée, pour le motif suivant :\n\n' +
      '{{comment}}\n\n' +
      'Le courrier de décision est disponible dans le suivi de votre demande : {{link}}\n\n' +
      'Vous pouvez contester cette décision dans un délai de deux mois à compter de sa réception, ' +
      'par un recours gracieux auprès de {{organisation}} ou par un recours contentieux ' +
      'devant le tribunal administratif.' +
      SIGNATURE,
  },
  message_received: {
    subject: 'Votre demande {{reference}} : vous avez un nouveau message',
    body:
      'Bonjour {{givenName}},\n\n' +
      'Le service chargé de votre demande « {{service}} » (référence {{reference}}) vous a écrit. ' +
      'Pour lire ce message et y répondre : {{link}}\n\n' +
      'Par sécurité, le message n’est pas recopié dans ce courriel.' +
      SIGNATURE,
  },
  retention_notice: {
    subject: 'Votre demande {{reference}} sera supprimée le {{deletionDate}}',
    body:
      'Bonjour {{givenName}},\n\n' +
      'Votre demande « {{service}} » (référence {{reference}}) est close. ' +
      'Comme prévu pour cette démarche, elle sera supprimée le {{deletionDate}}, avec ses pièces jointes ' +
      'et ses documents.\n\n' +
      'Si vous souhaitez les conserver, téléchargez-les avant cette date : {{link}}' +
      SIGNATURE,
  },
  decision_closed: {
    subject: 'Votre demande {{reference}} a été classée sans suite',
    body:
      'Bonjour {{givenName}},\n\n' +
      'Votre demande « {{service}} » (référence {{reference}}) a été classée sans suite, ' +
      'pour le motif suivant :\n\n' +
      '{{comment}}\n\n' +
      'Vous pouvez consulter votre demande : {{link}}' +
      SIGNATURE,
  },
});
