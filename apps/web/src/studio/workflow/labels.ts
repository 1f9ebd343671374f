/** What the editors call things, in the page's language. */
import type { ActorKind, WorkflowAction, WorkflowDefinition } from '@guichet/shared';
import { tr } from '../../lib/i18n';
import type { DurationUnit } from './helpers';

export const actorLabel = (actor: ActorKind): string =>
  ({
    citizen: tr('Citoyen (la personne qui a déposé la demande)', 'Citizen (who filed the request)'),
    caseworker: tr('Instructeur', 'Caseworker'),
    system: tr('Système (à l’échéance d’un délai)', 'System (when a deadline falls)'),
  })[actor];

export const actionTypeLabel = (type: WorkflowAction['type']): string =>
  ({
    notify: tr('Envoyer un courriel au citoyen', 'Email the citizen'),
    webhook: tr('Prévenir le webhook', 'Call the webhook'),
    document: tr('Produire le courrier de décision (PDF)', 'Produce the decision letter (PDF)'),
    route: tr('Orienter vers un groupe instructeur', 'Route to a caseworker group'),
  })[type] ?? type;

export const documentLabel = (template: string): string =>
  template === 'acceptance'
    ? tr('Courrier d’acceptation', 'Acceptance letter')
    : template === 'refusal'
      ? tr('Courrier de refus', 'Refusal letter')
      : template;

export const unitLabel = (unit: DurationUnit, plural: boolean): string =>
  ({
    D: plural ? tr('jours', 'days') : tr('jour', 'day'),
    W: plural ? tr('semaines', 'weeks') : tr('semaine', 'week'),
    M: tr('mois', plural ? 'months' : 'month'),
  })[unit];

/** The shipped templates, by what they are for. */
export const emailLabel = (key: string): string =>
  ({
    submission_received: tr('Accusé de dépôt', 'Submission received'),
    changes_requested: tr('Demande de modifications', 'Changes requested'),
    decision_accepted: tr('Décision : acceptation', 'Decision: accepted'),
    decision_rejected: tr('Décision : refus', 'Decision: rejected'),
    decision_closed: tr('Classement sans suite', 'Closed without follow-up'),
    message_received: tr('Nouveau message', 'New message'),
    retention_notice: tr('Avis de suppression', 'Deletion notice'),
  })[key] ?? key;

export const placeholderLabel = (name: string): string =>
  ({
    reference: tr('la référence de la demande', 'the request’s reference'),
    service: tr('le titre de la démarche', 'the service’s title'),
    organisation: tr('le nom de la collectivité', 'the organisation’s name'),
    status: tr('le libellé de l’état atteint', 'the label of the state entered'),
    comment: tr('le commentaire de la transition (motif)', 'the transition’s comment (reason)'),
    link: tr('l’adresse de suivi de la demande', 'the address to follow the request'),
    givenName: tr('le prénom du citoyen, s’il est connu', 'the citizen’s given name, when known'),
    deletionDate: tr('la date de suppression de la demande', 'the date the request will be deleted'),
  })[name] ?? name;

/** A state as the designer knows it: its label, or its name when it has none. */
export function stateName(workflow: WorkflowDefinition, name: string): string {
  const state = workflow.states[name];
  return state && typeof state.label === 'string' && state.label.trim() ? state.label : name;
}

/** « Courriel : Accusé de dépôt », « Webhook »… for names of buttons. */
export function actionName(action: WorkflowAction): string {
  const type = actionTypeLabel(action.type);
  if (action.type === 'notify') return `${type} « ${emailLabel(String(action.template ?? ''))} »`;
  if (action.type === 'document') return `${type} « ${documentLabel(String(action.template ?? ''))} »`;
  return type;
}
