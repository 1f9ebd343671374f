import type { DataSource } from 'typeorm';
import { DEFAULT_NOTIFY, Delivery, Service } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';

/** The row `loadInAnyOrganisation` reads: a request with its service, organisation, event and delivery. */
export interface NotificationRow {
  id: string;
  organisation_id: string;
  service_id: string;
  form_version_id: string;
  reference: string | null;
  submitted_at: Date | null;
  data: Record<string, unknown>;
  contact_email: string | null;
  contact_name: string | null;
  status: string;
  purge_at: Date | null;
  group_key: string | null;
  owner_account_id: string | null;
  follow_generation: number;
  service_slug: string;
  service_title: string;
  webhook_secret: string | null;
  organisation_name: string;
  organisation_slug: string;
  organisation_address: string | null;
  organisation_email: string | null;
  organisation_phone: string | null;
  event_id: string | null;
  event_at: Date | null;
  event_type: string | null;
  transition: string | null;
  from_status: string | null;
  to_status: string | null;
  comment: string | null;
  delivery_status: string | null;
}

/** A delivery as `begin` records it before sending (its organisation is the method's first argument). */
export interface NewDelivery {
  key: string;
  submissionId: string;
  channel: 'email' | 'webhook';
  messageId: string;
}

const LOAD_SQL = `
  SELECT s.id, s.organisation_id, s.service_id, s.form_version_id, s.reference, s.submitted_at, s.data,
         s.contact_email, s.contact_name, s.status, s.purge_at, s.group_key, s.owner_account_id, s.follow_generation,
         sv.slug AS service_slug, sv.title AS service_title, sv.webhook_secret,
         o.name AS organisation_name, o.slug AS organisation_slug, o.contact_address AS organisation_address,
         o.contact_email AS organisation_email, o.contact_phone AS organisation_phone,
         e.id AS event_id, e.at AS event_at, e.type AS event_type, e.transition, e.from_status, e.to_status, e.comment,
         d.status AS delivery_status
    FROM submission s
    JOIN service sv ON sv.id = s.service_id
    JOIN organisation o ON o.id = sv.organisation_id
    LEFT JOIN submission_event e ON e.id = $2 AND e.submission_id = s.id
    LEFT JOIN delivery d ON d.key = $3
   WHERE s.id = $1`;

/**
 * LOAD_SQL, and the email's delivery recorded as begun in the same statement when there is one to send (a request
 * with an address, its event found, not sent yet): the row is in before the SMTP server hears of the message, as
 * `begin` made it, one round trip sooner (issue 22). The row read is the one before the insert.
 */
const LOAD_AND_BEGIN_EMAIL_SQL = `
  WITH loaded AS (${LOAD_SQL}),
  begun AS (
    INSERT INTO delivery (key, organisation_id, submission_id, channel, status, attempts, message_id)
    SELECT $3, organisation_id, id, 'email', 'sending', 1, $4 FROM loaded
     WHERE coalesce(contact_email, '') <> '' AND event_id IS NOT NULL AND delivery_status IS DISTINCT FROM 'sent'
    ON CONFLICT (key) DO UPDATE SET attempts = delivery.attempts + 1 WHERE delivery.status <> 'sent'
  )
  SELECT * FROM loaded`;

/**
 * What `Notifications` reads and writes: the request an email or a webhook
 * is about, the agents who hear of it, the delivery rows that make each send
 * happen once, and the service's webhook signing secret (also
 * `ServiceWebhooks`').
 *
 * Tenant: a job carries ids only, so its first reads cannot know the
 * organisation and say so (`…InAnyOrganisation`): the request's row they
 * find gives the organisation every other method takes first and scopes its
 * statement by (delivery and service have the column; rows written carry
 * it). Each method is one round trip (issue 22's receipt path: load with
 * begin, then finish with the outbox row's done mark: two statements where
 * it had four).
 */
export class NotificationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Any organisation (a job's first read, by its ids): the request with its
   * service, organisation and event, and the status of the delivery under
   * `deliveryKey`, in one statement read as plain rows (building TypeORM
   * entities was about a fifth of the worker's CPU per receipt).
   */
  async loadInAnyOrganisation(
    submissionId: string,
    eventId: string,
    deliveryKey: string | null,
  ): Promise<NotificationRow | undefined> {
    const [row] = (await this.dataSource.query(LOAD_SQL, [submissionId, eventId, deliveryKey])) as NotificationRow[];
    return row;
  }

  /**
   * Any organisation (an email job's first read): as `loadInAnyOrganisation`, and, when an email is to be sent (the
   * request has an address, the event is found, the delivery is not sent), that delivery recorded as begun, as
   * `begin` records it (status sending, one more attempt, its Message-ID), in the same statement. A job that fails
   * after this and before the SMTP server answers leaves the row sending: it may have been sent, as after a crash.
   */
  async loadAndBeginEmailInAnyOrganisation(
    submissionId: string,
    eventId: string,
    delivery: { key: string; messageId: string },
  ): Promise<NotificationRow | undefined> {
    const [row] = (await this.dataSource.query(LOAD_AND_BEGIN_EMAIL_SQL, [
      submissionId,
      eventId,
      delivery.key,
      delivery.messageId,
    ])) as NotificationRow[];
    return row;
  }

  /**
   * Any organisation (before the request is loaded, by its id): whether one
   * caseworker or admin of the request's organisation asked for instant
   * emails. Most organisations have few: this cheap read comes first.
   */
  async instantAgentInAnyOrganisation(submissionId: string): Promise<boolean> {
    const [candidate] = (await this.dataSource.query(
      `SELECT 1 FROM submission s JOIN agent_membership m ON m.organisation_id = s.organisation_id
         LEFT JOIN agent_preference p ON p.email = m.email
        WHERE s.id = $1 AND m.role IN ('caseworker', 'admin') AND coalesce(p.notify, '${DEFAULT_NOTIFY}') = 'instant' LIMIT 1`,
      [submissionId],
    )) as unknown[];
    return candidate !== undefined;
  }

  /** The emails of the caseworkers and admins who asked for instant emails and see this service and group. */
  async instantRecipients(
    organisationId: OrganisationId,
    serviceId: string,
    groupKey: string | null,
  ): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT m.email FROM agent_membership m LEFT JOIN agent_preference p ON p.email = m.email
        WHERE m.organisation_id = $1 AND m.role IN ('caseworker', 'admin') AND coalesce(p.notify, '${DEFAULT_NOTIFY}') = 'instant'
          AND (m.service_id IS NULL OR m.service_id = $2) AND (m.group_key IS NULL OR m.group_key = $3)
        ORDER BY m.email`,
      [organisationId, serviceId, groupKey],
    )) as Array<{ email: string }>;
    return rows.map((row) => row.email);
  }

  /** Whether the delivery under `key` was made. */
  async sent(organisationId: OrganisationId, key: string): Promise<boolean> {
    const [row] = (await this.dataSource.query(`SELECT status FROM delivery WHERE key = $1 AND organisation_id = $2`, [
      key,
      organisationId,
    ])) as Array<{ status: string }>;
    return row?.status === 'sent';
  }

  /**
   * Any organisation (the request is gone, and its organisation with it):
   * whether the delivery under `key` was made.
   */
  async sentInAnyOrganisation(key: string): Promise<boolean> {
    const [row] = (await this.dataSource.query(`SELECT status FROM delivery WHERE key = $1`, [key])) as Array<{
      status: string;
    }>;
    return row?.status === 'sent';
  }

  /** Records a send about to start, or one more attempt of it. */
  async begin(organisationId: OrganisationId, delivery: NewDelivery): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO delivery (key, organisation_id, submission_id, channel, status, attempts, message_id)
       VALUES ($1, $2, $3, $4, 'sending', 1, $5)
       ON CONFLICT (key) DO UPDATE SET attempts = delivery.attempts + 1`,
      [delivery.key, organisationId, delivery.submissionId, delivery.channel, delivery.messageId],
    );
  }

  /**
   * Marks the delivery made; with `outboxId`, the job's outbox row done in the same statement (what the worker's
   * `markDone` writes), so that the two cannot part: a worker dying after it has nothing left to record, one dying
   * before it finds neither written, and its job run again finds the delivery unsent, as before.
   */
  async finish(organisationId: OrganisationId, key: string, outboxId?: string): Promise<void> {
    if (outboxId === undefined) {
      await this.dataSource.query(
        `UPDATE delivery SET status = 'sent', sent_at = now(), last_error = NULL WHERE key = $1 AND organisation_id = $2`,
        [key, organisationId],
      );
      return;
    }
    await this.dataSource.query(
      `WITH sent AS (
         UPDATE delivery SET status = 'sent', sent_at = now(), last_error = NULL WHERE key = $1 AND organisation_id = $2
       )
       UPDATE outbox SET done_at = now(), last_error = NULL WHERE id = $3 AND organisation_id = $2`,
      [key, organisationId, outboxId],
    );
  }

  /** Keeps why the last attempt failed (at most 300 characters). */
  async failed(organisationId: OrganisationId, key: string, error: string): Promise<void> {
    await this.dataSource.getRepository(Delivery).update({ key, organisationId }, { lastError: error.slice(0, 300) });
  }

  /** The service with this slug (with its webhook secret); throws when there is none. */
  serviceBySlug(organisationId: OrganisationId, slug: string): Promise<Service> {
    return this.dataSource.getRepository(Service).findOneByOrFail({ slug, organisationId });
  }

  /** Writes the service's webhook secret: only where it has none unless `rotate`. */
  async writeWebhookSecret(
    organisationId: OrganisationId,
    serviceId: string,
    secret: string,
    rotate: boolean,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE service SET webhook_secret = $2 WHERE id = $1 AND organisation_id = $3${rotate ? '' : ' AND webhook_secret IS NULL'}`,
      [serviceId, secret, organisationId],
    );
  }

  /** The service's webhook secret as stored; throws when there is no such service. */
  async webhookSecret(organisationId: OrganisationId, serviceId: string): Promise<string | null> {
    const service = await this.dataSource.getRepository(Service).findOneByOrFail({ id: serviceId, organisationId });
    return service.webhookSecret;
  }
}
