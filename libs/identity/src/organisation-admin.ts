import { createHash } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import {
  AgentMembership,
  CaseworkerGroup,
  FormVersion,
  Organisation,
  Service,
  type OrganisationRole,
} from '@guichet/persistence';
import { AppError, isUuid, type ErrorItem } from '@guichet/shared';
import { OPERATOR, recordMembership, revokeTokensOfFormerAdmin, type ChangedBy } from './access-changes';
import { workflowOf } from '@guichet/workflow';
import { MIN_CONTRAST, contrastRatio, formatRatio } from '@guichet/shared';

export const ROLES: readonly OrganisationRole[] = ['admin', 'designer', 'caseworker'];
export const ORGANISATION_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const LOGO_MAX_BYTES = 200 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg'] as const;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const SERVICE_SLUG = /^[a-z0-9-]{1,63}$/;
// Any printable text a routing rule may name (40 characters, as in the workflow schema), trimmed.
const GROUP_KEY = /^[^\p{Cc}\p{Cf}]{1,40}$/u;

const invalid = (pointer: string, code: string, message: string) =>
  new AppError('INVALID_REQUEST', { errors: [{ pointer, code, message }] });

export interface Contact {
  email: string | null;
  phone: string | null;
  address: string | null;
  website: string | null;
}

export interface OrganisationProfile {
  id: string;
  slug: string;
  name: string;
  contact: Contact;
  accentColor: string | null;
  logoUrl: string | null;
  updatedAt: string;
}

export interface ProfileInput {
  name: string;
  contact?: Partial<Contact>;
  accentColor?: string | null;
}

export interface AgentView {
  id: string;
  email: string;
  role: OrganisationRole;
  service: { id: string; slug: string; title: string } | null;
  group: string | null;
  createdAt: string;
}

export interface GroupView {
  key: string;
  label: string | null;
  /** Declared by an admin (has a label row). */
  declared: boolean;
  /** Named by the routing of the service's draft or latest published version. */
  routed: boolean;
  members: Array<{ id: string; email: string }>;
}

/** Where citizens' pages fetch the logo; the hash in it changes with the logo, so it is cached for good. */
export function logoUrl(o: Pick<Organisation, 'slug' | 'logoHash'>): string | null {
  return o.logoHash ? `/api/v1/public/organisations/${o.slug}/logo?v=${o.logoHash.slice(0, 16)}` : null;
}

/** Lower-cased and trimmed, as the agents' provider vouches for it; refused with a pointer otherwise. */
export function normaliseEmail(raw: unknown, pointer = '/email'): string {
  const email = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (!email || email.length > 320 || !EMAIL.test(email))
    throw invalid(pointer, 'format', 'Adresse électronique invalide (exemple : prenom.nom@mairie.fr).');
  return email;
}

export function normaliseGroupKey(raw: unknown, pointer = '/key'): string {
  const key = typeof raw === 'string' ? raw.trim() : '';
  if (!GROUP_KEY.test(key))
    throw invalid(pointer, 'format', 'Nom de groupe instructeur : 1 à 40 caractères, sans caractère de contrôle.');
  return key;
}

/** PNG or JPEG, by their first bytes (never by the name or the declared type). */
export function sniffLogo(bytes: Buffer): (typeof LOGO_TYPES)[number] | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

/**
 * What an organisation's admin does: its profile and branding, who works in
 * it and with which role, and the caseworker groups of its services. Callers
 * check the admin role; every method takes the organisation.
 *
 * Groups: a group is a key of a service (what routing rules send requests to
 * and what a caseworker's membership is limited to). It exists as soon as
 * routing or a membership names it; `caseworker_group` only adds a label and
 * lets an admin prepare a group before routing uses it.
 */
export class OrganisationAdmin {
  constructor(private readonly dataSource: DataSource) {}

  // --- organisations (the operator's CLI) ---

  async createOrganisation(input: { slug: string; name: string; adminEmail: string }) {
    if (!ORGANISATION_SLUG.test(input.slug))
      throw invalid('/slug', 'format', 'Identifiant : minuscules, chiffres et tirets, 63 caractères au plus.');
    const name = this.name(input.name);
    const email = normaliseEmail(input.adminEmail, '/admin');
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Organisation)
        .values({ slug: input.slug, name })
        .orIgnore()
        .returning(['id'])
        .execute();
      const id = (inserted.raw as Array<{ id: string }>)[0]?.id;
      if (!id) throw new AppError('ORGANISATION_SLUG_TAKEN');
      const membership = await manager
        .getRepository(AgentMembership)
        .save({ organisationId: id, email, role: 'admin', serviceId: null, groupKey: null });
      await recordMembership(manager, id, OPERATOR, 'membership_added', email, membership);
      return { organisation: await manager.getRepository(Organisation).findOneByOrFail({ id }), membership };
    });
  }

  async findBySlug(slug: string): Promise<Organisation | null> {
    return ORGANISATION_SLUG.test(slug) ? this.dataSource.getRepository(Organisation).findOneBy({ slug }) : null;
  }

  async listOrganisations(): Promise<Array<{ id: string; slug: string; name: string; admins: string[] }>> {
    const rows = (await this.dataSource.query(
      `SELECT o.id, o.slug, o.name,
              coalesce(array_agg(m.email ORDER BY m.email) FILTER (WHERE m.id IS NOT NULL), '{}') AS admins
         FROM organisation o
         LEFT JOIN agent_membership m
           ON m.organisation_id = o.id AND m.role = 'admin' AND m.service_id IS NULL AND m.group_key IS NULL
        GROUP BY o.id ORDER BY o.slug`,
    )) as Array<{ id: string; slug: string; name: string; admins: string[] }>;
    return rows;
  }

  // --- profile and branding ---

  async profile(organisationId: string): Promise<OrganisationProfile> {
    const o = await this.dataSource.getRepository(Organisation).findOneBy({ id: organisationId });
    if (!o) throw new AppError('NOT_FOUND');
    return this.view(o);
  }

  async updateProfile(organisationId: string, input: ProfileInput): Promise<OrganisationProfile> {
    const name = this.name(input.name);
    const accentColor = input.accentColor ? input.accentColor.toLowerCase() : null;
    if (accentColor) {
      const ratio = contrastRatio(accentColor, '#ffffff');
      if (ratio < MIN_CONTRAST) {
        const measured = formatRatio(ratio);
        throw new AppError('CONTRAST_TOO_LOW', {
          params: { ratio: measured },
          errors: [
            {
              pointer: '/accentColor',
              code: 'contrast',
              message: `Contraste de ${measured}:1 sur fond blanc : il faut au moins 4,5:1 pour que textes et boutons restent lisibles (RGAA 3.2). Choisissez une teinte plus foncée.`,
            },
          ],
        });
      }
    }
    const blank = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);
    const repo = this.dataSource.getRepository(Organisation);
    const result = await repo.update(
      { id: organisationId },
      {
        name,
        contactEmail: input.contact?.email ? normaliseEmail(input.contact.email, '/contact/email') : null,
        contactPhone: blank(input.contact?.phone),
        contactAddress: blank(input.contact?.address),
        website: blank(input.contact?.website),
        accentColor,
      },
    );
    if (!result.affected) throw new AppError('NOT_FOUND');
    return this.profile(organisationId);
  }

  async setLogo(organisationId: string, bytes: Buffer): Promise<OrganisationProfile> {
    if (bytes.length > LOGO_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { params: { limit: '200 Ko' } });
    const type = sniffLogo(bytes);
    if (!type) throw new AppError('FILE_TYPE_NOT_ACCEPTED', { params: { accepted: 'PNG, JPEG' } });
    const logoHash = createHash('sha256').update(bytes).digest('hex');
    await this.dataSource
      .getRepository(Organisation)
      .update({ id: organisationId }, { logo: bytes, logoType: type, logoHash });
    return this.profile(organisationId);
  }

  async removeLogo(organisationId: string): Promise<OrganisationProfile> {
    await this.dataSource
      .getRepository(Organisation)
      .update({ id: organisationId }, { logo: null, logoType: null, logoHash: null });
    return this.profile(organisationId);
  }

  /** For citizens' pages: the logo of an organisation, by its public slug. */
  async logo(slug: string): Promise<{ bytes: Buffer; type: string; hash: string } | null> {
    if (!ORGANISATION_SLUG.test(slug)) return null;
    const row = await this.dataSource
      .getRepository(Organisation)
      .createQueryBuilder('o')
      .select(['o.id', 'o.logoType', 'o.logoHash'])
      .addSelect('o.logo')
      .where('o.slug = :slug', { slug })
      .getOne();
    if (!row?.logo || !row.logoType || !row.logoHash) return null;
    return { bytes: row.logo, type: row.logoType, hash: row.logoHash };
  }

  // --- agents ---

  async listAgents(organisationId: string): Promise<AgentView[]> {
    const memberships = await this.dataSource
      .getRepository(AgentMembership)
      .find({ where: { organisationId }, order: { email: 'ASC', role: 'ASC', createdAt: 'ASC' } });
    const services = await this.dataSource
      .getRepository(Service)
      .find({ where: { organisationId }, select: { id: true, slug: true, title: true } });
    const byId = new Map(services.map((s) => [s.id, { id: s.id, slug: s.slug, title: s.title }]));
    return memberships.map((m) => ({
      id: m.id,
      email: m.email,
      role: m.role,
      service: m.serviceId ? (byId.get(m.serviceId) ?? null) : null,
      group: m.groupKey,
      createdAt: m.createdAt.toISOString(),
    }));
  }

  async addAgent(
    organisationId: string,
    input: { email: string; role: OrganisationRole; service?: string | null; group?: string | null },
    by: ChangedBy = OPERATOR,
  ): Promise<AgentView> {
    const email = normaliseEmail(input.email);
    if (!ROLES.includes(input.role)) throw invalid('/role', 'enum', 'Rôle attendu : admin, designer ou caseworker.');
    const errors: ErrorItem[] = [];
    if ((input.service || input.group) && input.role !== 'caseworker')
      errors.push({
        pointer: input.service ? '/service' : '/group',
        code: 'scope',
        message: 'Seul un rôle d’instructeur (caseworker) peut être limité à une démarche ou à un groupe.',
      });
    if (input.group && !input.service)
      errors.push({
        pointer: '/group',
        code: 'service_required',
        message: 'Un groupe instructeur appartient à une démarche : choisissez-la aussi.',
      });
    if (errors.length) throw new AppError('INVALID_REQUEST', { errors });
    const service = input.service ? await this.service(organisationId, input.service, '/service') : null;
    const group = input.group ? normaliseGroupKey(input.group, '/group') : null;
    const membership = await this.insertMembership(organisationId, email, input.role, service?.id ?? null, group, by);
    return {
      id: membership.id,
      email,
      role: input.role,
      service: service ? { id: service.id, slug: service.slug, title: service.title } : null,
      group,
      createdAt: membership.createdAt.toISOString(),
    };
  }

  /**
   * Removes one membership; never the last one that makes someone admin of
   * the whole organisation. Rights are read at each request, so the agent
   * loses this one at their next; if they are no longer an admin, the API
   * tokens they created are revoked in the same transaction.
   */
  async removeAgent(
    organisationId: string,
    membershipId: string,
    by: ChangedBy = OPERATOR,
  ): Promise<{ id: string; removed: true }> {
    if (!isUuid(membershipId)) throw new AppError('NOT_FOUND');
    await this.dataSource.transaction(async (manager) => {
      // Two admins removing each other at once: the lock makes the second see the first's removal.
      await manager.query(`SELECT 1 FROM organisation WHERE id = $1 FOR UPDATE`, [organisationId]);
      const repo = manager.getRepository(AgentMembership);
      const membership = await repo.findOneBy({ id: membershipId, organisationId });
      if (!membership) throw new AppError('NOT_FOUND');
      if (membership.role === 'admin' && !membership.serviceId && !membership.groupKey) {
        const admins = await repo.countBy({ organisationId, role: 'admin', serviceId: IsNull(), groupKey: IsNull() });
        if (admins <= 1) throw new AppError('LAST_ADMIN');
      }
      await repo.delete({ id: membershipId, organisationId });
      await this.membershipsRemoved(manager, organisationId, [membership], by);
    });
    return { id: membershipId, removed: true };
  }

  // --- caseworker groups ---

  async listGroups(organisationId: string, serviceSlug: string): Promise<{ service: string; groups: GroupView[] }> {
    const service = await this.service(organisationId, serviceSlug);
    const [declared, members, routed] = await Promise.all([
      this.dataSource
        .getRepository(CaseworkerGroup)
        .find({ where: { organisationId, serviceId: service.id }, order: { key: 'ASC' } }),
      this.dataSource
        .getRepository(AgentMembership)
        .find({ where: { organisationId, serviceId: service.id, role: 'caseworker' }, order: { email: 'ASC' } }),
      this.routedGroups(this.dataSource.manager, service),
    ]);
    const keys = new Set<string>([
      ...declared.map((g) => g.key),
      ...routed,
      ...members.flatMap((m) => (m.groupKey ? [m.groupKey] : [])),
    ]);
    const groups = [...keys]
      .sort((a, b) => a.localeCompare(b, 'fr'))
      .map((key) => {
        const label = declared.find((g) => g.key === key)?.label ?? null;
        return {
          key,
          label,
          declared: label !== null,
          routed: routed.has(key),
          members: members.filter((m) => m.groupKey === key).map((m) => ({ id: m.id, email: m.email })),
        };
      });
    return { service: service.slug, groups };
  }

  async createGroup(organisationId: string, serviceSlug: string, input: { key: string; label?: string | null }) {
    const service = await this.service(organisationId, serviceSlug);
    const key = normaliseGroupKey(input.key);
    const label = input.label?.trim() || key;
    const inserted = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(CaseworkerGroup)
      .values({ organisationId, serviceId: service.id, key, label })
      .orIgnore()
      .returning(['id'])
      .execute();
    if (!(inserted.raw as unknown[]).length) throw new AppError('GROUP_EXISTS');
    return { key, label, declared: true, routed: (await this.routedGroups(this.dataSource.manager, service)).has(key) };
  }

  /** Deletes a group's label and its members' memberships; refused while routing still sends requests to it. */
  async deleteGroup(organisationId: string, serviceSlug: string, rawKey: string, by: ChangedBy = OPERATOR) {
    const service = await this.service(organisationId, serviceSlug);
    const key = this.keyOrNotFound(rawKey);
    return this.dataSource.transaction(async (manager) => {
      if ((await this.routedGroups(manager, service)).has(key)) throw new AppError('GROUP_IN_USE');
      const label = await manager.getRepository(CaseworkerGroup).delete({ organisationId, serviceId: service.id, key });
      const memberships = manager.getRepository(AgentMembership);
      const removed = await memberships.findBy({ organisationId, serviceId: service.id, groupKey: key });
      if (removed.length) await memberships.delete(removed.map((m) => m.id));
      if (!label.affected && !removed.length) throw new AppError('NOT_FOUND');
      await this.membershipsRemoved(manager, organisationId, removed, by);
      return { key, deleted: true, membersRemoved: removed.length };
    });
  }

  async addGroupMember(
    organisationId: string,
    serviceSlug: string,
    rawKey: string,
    rawEmail: string,
    by: ChangedBy = OPERATOR,
  ) {
    const service = await this.service(organisationId, serviceSlug);
    const key = this.keyOrNotFound(rawKey);
    const email = normaliseEmail(rawEmail);
    const membership = await this.insertMembership(organisationId, email, 'caseworker', service.id, key, by);
    return { id: membership.id, email, group: key, service: service.slug };
  }

  async removeGroupMember(
    organisationId: string,
    serviceSlug: string,
    rawKey: string,
    membershipId: string,
    by: ChangedBy = OPERATOR,
  ) {
    const service = await this.service(organisationId, serviceSlug);
    const key = this.keyOrNotFound(rawKey);
    if (!isUuid(membershipId)) throw new AppError('NOT_FOUND');
    await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(AgentMembership);
      const membership = await repo.findOneBy({
        id: membershipId,
        organisationId,
        serviceId: service.id,
        groupKey: key,
      });
      if (!membership) throw new AppError('NOT_FOUND');
      await repo.delete({ id: membershipId, organisationId });
      await this.membershipsRemoved(manager, organisationId, [membership], by);
    });
    return { id: membershipId, removed: true };
  }

  // --- helpers ---

  /** Records removed memberships and revokes the tokens of whoever is no longer an admin. */
  private async membershipsRemoved(
    manager: EntityManager,
    organisationId: string,
    removed: AgentMembership[],
    by: ChangedBy,
  ): Promise<void> {
    for (const m of removed) await recordMembership(manager, organisationId, by, 'membership_removed', m.email, m);
    for (const email of new Set(removed.map((m) => m.email))) {
      await revokeTokensOfFormerAdmin(manager, organisationId, email, by);
    }
  }

  private name(raw: unknown): string {
    const name = typeof raw === 'string' ? raw.trim() : '';
    if (!name || name.length > 200) throw invalid('/name', 'length', 'Un nom de 1 à 200 caractères.');
    return name;
  }

  private keyOrNotFound(raw: string): string {
    const key = typeof raw === 'string' ? raw.trim() : '';
    if (!GROUP_KEY.test(key)) throw new AppError('NOT_FOUND');
    return key;
  }

  private async service(organisationId: string, slug: string, pointer?: string): Promise<Service> {
    const service = SERVICE_SLUG.test(slug)
      ? await this.dataSource.getRepository(Service).findOneBy({ organisationId, slug })
      : null;
    if (service) return service;
    if (pointer) throw invalid(pointer, 'unknown_service', 'Démarche inconnue dans cette organisation.');
    throw new AppError('NOT_FOUND');
  }

  /** Groups named by the routing of the draft and of the latest published version (the default workflow's too). */
  private async routedGroups(manager: EntityManager, service: Service): Promise<Set<string>> {
    const definitions: unknown[] = [service.draftDefinition];
    if (service.latestVersion !== null) {
      const version = await manager.getRepository(FormVersion).findOne({
        where: { serviceId: service.id, organisationId: service.organisationId, number: service.latestVersion },
        select: { definition: true },
      });
      if (version) definitions.push(version.definition);
    }
    const keys = new Set<string>();
    for (const definition of definitions) {
      const routing = workflowOf((definition ?? {}) as { workflow?: unknown }).routing as
        { defaultGroup?: unknown; rules?: unknown } | undefined;
      if (!routing || typeof routing !== 'object') continue;
      if (typeof routing.defaultGroup === 'string' && routing.defaultGroup.trim()) keys.add(routing.defaultGroup);
      if (Array.isArray(routing.rules))
        for (const rule of routing.rules as Array<{ group?: unknown }>)
          if (rule && typeof rule.group === 'string' && rule.group.trim()) keys.add(rule.group);
    }
    return keys;
  }

  private async insertMembership(
    organisationId: string,
    email: string,
    role: OrganisationRole,
    serviceId: string | null,
    groupKey: string | null,
    by: ChangedBy,
  ): Promise<AgentMembership> {
    const row = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(AgentMembership)
        .values({ organisationId, email, role, serviceId, groupKey })
        .orIgnore()
        .returning(['id', 'created_at'])
        .execute();
      const added = (inserted.raw as Array<{ id: string; created_at: Date }>)[0];
      if (!added) throw new AppError('MEMBERSHIP_EXISTS');
      await recordMembership(manager, organisationId, by, 'membership_added', email, { role, serviceId, groupKey });
      return added;
    });
    return Object.assign(new AgentMembership(), {
      id: row.id,
      organisationId,
      email,
      role,
      serviceId,
      groupKey,
      createdAt: row.created_at,
    });
  }

  private view(o: Organisation): OrganisationProfile {
    return {
      id: o.id,
      slug: o.slug,
      name: o.name,
      contact: { email: o.contactEmail, phone: o.contactPhone, address: o.contactAddress, website: o.website },
      accentColor: o.accentColor,
      logoUrl: logoUrl(o),
      updatedAt: o.updatedAt.toISOString(),
    };
  }
}
