import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_NOTIFY,
  type Organisation,
  type Service,
  type Submission,
  type SubmissionEvent,
} from '@guichet/persistence';
import { PermanentJobError, RowDone, rowDone, type JobPayloads, type JobTopic, type OutboxJob } from '@guichet/queue';
import { organisationId as parseOrganisationId, type OrganisationId, type ServiceDefinition } from '@guichet/shared';
import {
  Documents,
  FollowLinks,
  FormVersions,
  followToken,
  followUrl,
  receiptInputOf,
  renderReceiptPdf,
  renderReceiptText,
} from '@guichet/submissions';
import { emailTemplate, renderTemplate, route, stateLabel, stateOf, workflowOf } from '@guichet/workflow';
import { MailSendError, type Mailer } from './mailer';
import { NotificationRepository, type NotificationRow } from './notification-repository';
import { newWebhookSecret, sendWebhook, type WebhookPolicy } from './webhook';

const FRENCH_DATE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

function frenchDate(date: Date): string {
  return FRENCH_DATE.format(date);
}

export { DEFAULT_NOTIFY };

/** A request sent again after a request for changes (not a first submit). */
function isResubmission(event: Pick<SubmissionEvent, 'type' | 'fromStatus'>): boolean {
  return event.type === 'transition' && event.fromStatus !== null && event.fromStatus !== 'draft';
}

/** The agents' email: « Nouvelle demande », « Demande corrigée » or « Réponse de l’usager », without the answers. */
export function agentEmail(
  kind: 'new_request' | 'citizen_message',
  resubmitted: boolean,
  reference: string,
  title: string,
  link: string,
): { subject: string; text: string } {
  const subject =
    kind === 'citizen_message'
      ? `Réponse de l’usager — ${reference} — ${title}`
      : `${resubmitted ? 'Demande corrigée' : 'Nouvelle demande'} ${reference} — ${title}`;
  const what =
    kind === 'citizen_message'
      ? `L’usager a écrit sur la demande ${reference} (« ${title} »).`
      : resubmitted
        ? `L’usager a corrigé la demande ${reference} et l’a déposée à nouveau sur « ${title} ».`
        : `Une demande vient d’être déposée sur « ${title} » : ${reference}.`;
  return {
    subject: subject.replace(/[\r\n]+/g, ' '),
    text:
      `${what}\n\nPour la traiter : ${link}\n\n` +
      'Vous recevez ce courriel parce que vous instruisez cette démarche et avez choisi d’être prévenu à chaque ' +
      'demande. Vous pouvez choisir un résumé quotidien, ou ne plus en recevoir, dans vos préférences.\n',
  };
}

export type Outcome = 'sent' | 'already-sent' | 'gone' | 'no-recipient' | 'no-url';

export interface NotificationSettings {
  /** Base of the links in emails (`https://guichet.example.fr`). */
  publicUrl: string;
  webhookPolicy: WebhookPolicy;
  /**
   * The key of follow links (followLinkKey(SESSION_SECRET)): the emails of a
   * request filed without an account link to it from any browser. Without
   * it they link to « Mes démarches », which only the browser it was filed
   * from can open.
   */
  followLinkKey?: Buffer;
  /**
   * The receipt email (RECEIPT_EMAIL): `text` (the default) puts the
   * receipt's legal mentions in the email and links to the request, whose
   * page serves the PDF; `pdf` attaches the PDF too, built here for every
   * request (about 10 ms of this process's CPU each).
   */
  receipt?: 'text' | 'pdf';
}

/** What an email or a webhook about a request reads: one statement (`load`), no entity built. */
interface Loaded {
  /** The request's organisation, which every statement after `load` takes. */
  organisationId: OrganisationId;
  submission: Pick<
    Submission,
    | 'id'
    | 'organisationId'
    | 'serviceId'
    | 'formVersionId'
    | 'reference'
    | 'submittedAt'
    | 'data'
    | 'contactEmail'
    | 'contactName'
    | 'status'
    | 'purgeAt'
    | 'groupKey'
    | 'ownerAccountId'
    | 'followGeneration'
  >;
  service: Pick<Service, 'id' | 'slug' | 'title' | 'webhookSecret'> & {
    organisation: Pick<Organisation, 'name' | 'slug' | 'contactAddress' | 'contactEmail' | 'contactPhone'>;
  };
  definition: ServiceDefinition;
  event: Pick<SubmissionEvent, 'id' | 'at' | 'type' | 'transition' | 'fromStatus' | 'toStatus' | 'comment'>;
}

/**
 * Emails and webhooks about a request, each sent once: a delivery row keyed
 * by the outbox row records it. A job run again after success finds the row
 * sent and does nothing. A worker killed between the SMTP server's "250 OK"
 * and the row's update sends again with the same Message-ID (webhooks: the
 * same webhook-id), which is how receivers recognise a repeat.
 */
export class Notifications {
  private readonly documents: Documents;
  private readonly repository: NotificationRepository;
  /** Published versions never change: a job reads each once per process, not once per email. */
  private readonly versions: FormVersions;
  /** The host of `publicUrl`, which every Message-ID ends with. */
  private readonly hostname: string;

  constructor(
    dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly settings: NotificationSettings,
  ) {
    this.documents = new Documents(dataSource);
    this.repository = new NotificationRepository(dataSource);
    this.versions = FormVersions.of(dataSource);
    this.hostname = new URL(settings.publicUrl).hostname;
  }

  /**
   * The email of a transition (the receipt on submit). Sent, it answers RowDone: the statement that marked the
   * delivery sent marked the job's outbox row done too.
   */
  async email(job: JobPayloads[typeof JobTopic.NotifyEmail]): Promise<Outcome | RowDone<'sent'>> {
    const key = `email:${job.outboxId}`;
    const messageId = `<${job.outboxId}@${this.hostname}>`;
    // The delivery is recorded as begun by the load itself when there is something to send (see
    // loadAndBeginEmailInAnyOrganisation), and marked sent with the outbox row done by one statement after the send.
    const loaded = await this.loadEmail(job, key, messageId);
    if (loaded === 'already-sent' || loaded === 'gone') return loaded;
    const { organisationId, submission, service, definition, event } = loaded;
    if (!submission.contactEmail) return 'no-recipient';
    const workflow = workflowOf(definition);
    const template = emailTemplate(workflow, job.template);
    if (!template) throw new PermanentJobError(`unknown email template ${job.template}`);
    const mail = renderTemplate(template, {
      reference: submission.reference ?? '',
      service: service.title,
      organisation: service.organisation.name,
      status: stateLabel(workflow, event.toStatus ?? submission.status),
      comment: event.comment ?? '',
      link: this.linkTo(submission),
      givenName: submission.contactName ?? '',
      deletionDate: submission.purgeAt ? frenchDate(submission.purgeAt) : '',
    });

    const attachments: Array<{ filename: string; content: Buffer; contentType: string }> = [];
    let text = mail.body;
    if (event.type === 'submitted' && submission.reference && submission.submittedAt) {
      const receipt = receiptInputOf(
        { reference: submission.reference, submittedAt: submission.submittedAt, data: submission.data },
        service,
        definition,
        submission.contactName,
      );
      if (this.settings.receipt === 'pdf') {
        attachments.push({
          filename: `accuse-de-reception-${submission.reference}.pdf`,
          contentType: 'application/pdf',
          content: await renderReceiptPdf(receipt),
        });
      } else {
        text +=
          `\n\n${renderReceiptText(receipt)}\n\n` +
          `Conservez ce message. L’accusé de réception en PDF, avec vos réponses, se télécharge depuis le suivi de ` +
          `votre demande : ${this.linkTo(submission)}\n`;
      }
    }
    const state = event.toStatus ? stateOf(workflow, event.toStatus) : undefined;
    for (const action of state?.actions ?? []) {
      if (action.type !== 'document') continue;
      const document = await this.documents.ensure(submission.id, event.id, action.template);
      attachments.push({ filename: document.filename, content: document.content, contentType: document.mediaType });
    }

    try {
      await this.mailer.send({
        to: submission.contactEmail,
        subject: mail.subject,
        text,
        messageId,
        attachments,
      });
    } catch (error) {
      await this.repository.failed(organisationId, key, (error as Error).message);
      // A permanent refusal (bad address, 5xx) will not get better by retrying.
      if (error instanceof MailSendError && !error.retry) throw new PermanentJobError(error.message);
      throw error;
    }
    // The outbox row is marked done here, with the delivery: both are written, or neither.
    await this.repository.finish(organisationId, key, job.outboxId);
    return rowDone('sent');
  }

  /** Where the citizen follows the request: a follow link when it was filed without an account. */
  private linkTo(submission: Loaded['submission']): string {
    const key = this.settings.followLinkKey;
    if (key && FollowLinks.followable(submission))
      return followUrl(this.settings.publicUrl, followToken(key, submission));
    return `${this.settings.publicUrl}/mes-demarches/${submission.id}`;
  }

  /**
   * Tells the organisation's caseworkers who chose instant emails of a new
   * request, a corrected one or a citizen's reply: one email each, each sent
   * once. Those who chose nothing get the daily digest (DEFAULT_NOTIFY), not
   * one email per request. The email names the service and the reference
   * only; the request is read in the desk.
   */
  async agents(job: JobPayloads[typeof JobTopic.NotifyAgents]): Promise<Outcome> {
    // Most organisations have few agents asking for instant emails: one cheap query first, before loading anything.
    if (!(await this.repository.instantAgentInAnyOrganisation(job.submissionId))) return 'no-recipient';
    const loaded = await this.load(job, null);
    if (loaded === 'already-sent' || loaded === 'gone') return loaded;
    const { organisationId, submission, service, definition, event } = loaded;
    // Agents limited to a service or a group hear only of theirs. The group is the routing's, computed here if
    // the route job has not run yet (the rules are pure, so both agree).
    const group = submission.groupKey ?? route(workflowOf(definition), submission.data);
    const recipients = await this.repository.instantRecipients(organisationId, submission.serviceId, group);
    if (recipients.length === 0) return 'no-recipient';
    const link = `${this.settings.publicUrl}/instruction/${service.slug}/${submission.id}`;
    const { subject, text } = agentEmail(
      job.kind,
      isResubmission(event),
      submission.reference ?? '',
      service.title,
      link,
    );
    let sent = 0;
    for (const email of recipients) {
      const recipient = createHash('sha256').update(email).digest('hex').slice(0, 32);
      const key = `agents:${job.outboxId}:${recipient}`;
      if (await this.repository.sent(organisationId, key)) continue;
      const messageId = `<${job.outboxId}.${recipient}@${this.hostname}>`;
      await this.repository.begin(organisationId, { key, submissionId: submission.id, channel: 'email', messageId });
      await this.mailer.send({ to: email, subject, text, messageId });
      await this.repository.finish(organisationId, key);
      sent++;
    }
    return sent ? 'sent' : 'already-sent';
  }

  /** A transition's webhook. Delivered, it answers RowDone: its outbox row was marked done with the delivery. */
  async webhook(job: JobPayloads[typeof JobTopic.WebhookDeliver]): Promise<Outcome | RowDone<'sent'>> {
    const key = `webhook:${job.outboxId}`;
    const loaded = await this.load(job, key);
    if (loaded === 'already-sent' || loaded === 'gone') return loaded;
    const { organisationId, submission, service, definition, event } = loaded;
    const url = definition.settings.webhookUrl;
    if (!url) return 'no-url';
    const secret = await webhookSecretOf(this.repository, organisationId, service);
    const messageId = `msg_${job.outboxId.replace(/-/g, '')}`;
    await this.repository.begin(organisationId, { key, submissionId: submission.id, channel: 'webhook', messageId });
    const outcome = await sendWebhook(
      { url, secret },
      {
        id: messageId,
        timestamp: new Date(),
        payload: {
          type: 'submission.status_changed',
          timestamp: event.at.toISOString(),
          data: {
            submissionId: submission.id,
            reference: submission.reference,
            service: service.slug,
            organisation: service.organisation.slug,
            transition: event.transition,
            from: event.fromStatus,
            to: event.toStatus,
            eventId: event.id,
          },
        },
      },
      this.settings.webhookPolicy,
    );
    if (outcome.ok) {
      await this.repository.finish(organisationId, key, job.outboxId);
      return rowDone('sent');
    }
    await this.repository.failed(organisationId, key, `${outcome.status ?? ''} ${outcome.reason}`.trim());
    if (outcome.retry) throw new Error(`webhook: ${outcome.reason}`);
    throw new PermanentJobError(`webhook refused: ${outcome.reason}`);
  }

  /**
   * The request with its service, organisation and event, and whether the delivery under `deliveryKey` was made
   * (null: no delivery to look for), in one statement read as plain rows (building TypeORM entities was about a
   * fifth of the worker's CPU per receipt).
   */
  private async load(job: OutboxJob, deliveryKey: string | null): Promise<Loaded | 'already-sent' | 'gone'> {
    const row = await this.repository.loadInAnyOrganisation(job.submissionId, job.eventId, deliveryKey);
    return this.loaded(row, deliveryKey);
  }

  /** As `load`, and the email's delivery recorded as begun in the same statement when there is one to send. */
  private async loadEmail(job: OutboxJob, key: string, messageId: string): Promise<Loaded | 'already-sent' | 'gone'> {
    const row = await this.repository.loadAndBeginEmailInAnyOrganisation(job.submissionId, job.eventId, {
      key,
      messageId,
    });
    return this.loaded(row, key);
  }

  /** What `load` and `loadEmail` read, as the senders use it; the request gone, whether it was sent before. */
  private async loaded(
    row: NotificationRow | undefined,
    deliveryKey: string | null,
  ): Promise<Loaded | 'already-sent' | 'gone'> {
    if (!row)
      return deliveryKey && (await this.repository.sentInAnyOrganisation(deliveryKey)) ? 'already-sent' : 'gone';
    if (row.delivery_status === 'sent') return 'already-sent';
    if (!row.event_id) return 'gone';
    const { definition } = await this.versions.get(row.form_version_id);
    return {
      organisationId: parseOrganisationId(row.organisation_id),
      submission: {
        id: row.id,
        organisationId: row.organisation_id,
        serviceId: row.service_id,
        formVersionId: row.form_version_id,
        reference: row.reference,
        submittedAt: row.submitted_at,
        data: row.data,
        contactEmail: row.contact_email,
        contactName: row.contact_name,
        status: row.status,
        purgeAt: row.purge_at,
        groupKey: row.group_key,
        ownerAccountId: row.owner_account_id,
        followGeneration: row.follow_generation,
      },
      service: {
        id: row.service_id,
        slug: row.service_slug,
        title: row.service_title,
        webhookSecret: row.webhook_secret,
        organisation: {
          name: row.organisation_name,
          slug: row.organisation_slug,
          contactAddress: row.organisation_address,
          contactEmail: row.organisation_email,
          contactPhone: row.organisation_phone,
        },
      },
      event: {
        id: row.event_id,
        at: row.event_at!,
        type: row.event_type!,
        transition: row.transition,
        fromStatus: row.from_status,
        toStatus: row.to_status,
        comment: row.comment,
      },
      definition,
    };
  }
}

/**
 * A service's webhook signing secret, made on first use (concurrent first
 * uses agree on one); `rotate` replaces it (receivers must update theirs).
 */
export async function webhookSecretOf(
  repository: NotificationRepository,
  organisationId: OrganisationId,
  service: Pick<Service, 'id' | 'webhookSecret'>,
  rotate = false,
): Promise<string> {
  if (service.webhookSecret && !rotate) return service.webhookSecret;
  await repository.writeWebhookSecret(organisationId, service.id, newWebhookSecret(), rotate);
  return (await repository.webhookSecret(organisationId, service.id))!;
}
