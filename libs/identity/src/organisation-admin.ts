import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AgentMembership, type Organisation, type OrganisationRole, type Service } from '@guichet/persistence';
import { AppError, isUuid, type ErrorItem, type OrganisationId } from '@guichet/shared';
import { OPERATOR, recordMembership, revokeTokensOfFormerAdmin, type ChangedBy } from './access-changes';
import { OrganisationRepository } from './organisation-repository';
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
 * check the admin role; every method takes the organisation, as an
 * `OrganisationId`. The statements are `OrganisationRepository`'s.
 *
 * Groups: a group is a key of a service (what routing rules send requests to
 * and what a caseworker's membership is limited to). It exists as soon as
 * routing or a membership names it; `caseworker_group` only adds a label and
 * lets an admin prepare a group before routing uses it.
 */
export class OrganisationAdmin {
  constructor(
    dataSource: DataSource,
    private readonly repository: OrganisationRepository = new OrganisationRepository(dataSource),
  ) {}

  // --- organisations (the operator's CLI) ---

  async createOrganisation(input: { slug: string; name: string; adminEmail: string }) {
    if (!ORGANISATION_SLUG.test(input.slug))
      throw invalid('/slug', 'format', 'Identifiant : minuscules, chiffres et tirets, 63 caractères au plus.');
    const name = this.name(input.name);
    const email = normaliseEmail(input.adminEmail, '/admin');
    return this.repository.transaction(async (repository) => {
      const id = await repository.insertOrganisation(input.slug, name);
      if (!id) throw new AppError('ORGANISATION_SLUG_TAKEN');
      const membership = await repository.saveMembership(id, { email, role: 'admin', serviceId: null, groupKey: null });
      await recordMembership(repository, id, OPERATOR, 'membership_added', email, membership);
      const organisation = await repository.find(id);
      if (!organisation) throw new Error(`organisation ${id} not found after its insert`);
      return { organisation, membership };
    });
  }

  async findBySlug(slug: string): Promise<Organisation | null> {
    return ORGANISATION_SLUG.test(slug) ? this.repository.findBySlug(slug) : null;
  }

  listOrganisations(): Promise<Array<{ id: string; slug: string; name: string; admins: string[] }>> {
    return this.repository.listWithAdmins();
  }

  // --- profile and branding ---

  async profile(organisationId: OrganisationId): Promise<OrganisationProfile> {
    const o = await this.repository.find(organisationId);
    if (!o) throw new AppError('NOT_FOUND');
    return this.view(o);
  }

  async updateProfile(organisationId: OrganisationId, input: ProfileInput): Promise<OrganisationProfile> {
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
    const updated = await this.repository.updateProfile(organisationId, {
      name,
      contactEmail: input.contact?.email ? normaliseEmail(input.contact.email, '/contact/email') : null,
      contactPhone: blank(input.contact?.phone),
      contactAddress: blank(input.contact?.address),
      website: blank(input.contact?.website),
      accentColor,
    });
    if (!updated) throw new AppError('NOT_FOUND');
    return this.profile(organisationId);
  }

  async setLogo(organisationId: OrganisationId, bytes: Buffer): Promise<OrganisationProfile> {
    if (bytes.length > LOGO_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { params: { limit: '200 Ko' } });
    if (bytes.length === 0) throw new AppError('FILE_EMPTY');
    const type = sniffLogo(bytes);
    if (!type) throw new AppError('FILE_TYPE_NOT_ACCEPTED', { params: { accepted: 'PNG, JPEG' } });
    const logoHash = createHash('sha256').update(bytes).digest('hex');
    await this.repository.setLogo(organisationId, { logo: bytes, logoType: type, logoHash });
    return this.profile(organisationId);
  }

  async removeLogo(organisationId: OrganisationId): Promise<OrganisationProfile> {
    await this.repository.setLogo(organisationId, { logo: null, logoType: null, logoHash: null });
    return this.profile(organisationId);
  }

  /** For citizens' pages: the logo of an organisation, by its public slug. */
  async logo(slug: string): Promise<{ bytes: Buffer; type: string; hash: string } | null> {
    if (!ORGANISATION_SLUG.test(slug)) return null;
    const row = await this.repository.logoBySlug(slug);
    if (!row?.logo || !row.logoType || !row.logoHash) return null;
    return { bytes: row.logo, type: row.logoType, hash: row.logoHash };
  }

  // --- agents ---

  async listAgents(organisationId: OrganisationId): Promise<AgentView[]> {
    const memberships = await this.repository.memberships(organisationId);
    const services = await this.repository.services(organisationId);
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
    organisationId: OrganisationId,
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
    organisationId: OrganisationId,
    membershipId: string,
    by: ChangedBy = OPERATOR,
  ): Promise<{ id: string; removed: true }> {
    if (!isUuid(membershipId)) throw new AppError('NOT_FOUND');
    await this.repository.transaction(async (repository) => {
      // Two admins removing each other at once: the lock makes the second see the first's removal.
      await repository.lock(organisationId);
      const membership = await repository.membership(organisationId, membershipId);
      if (!membership) throw new AppError('NOT_FOUND');
      if (membership.role === 'admin' && !membership.serviceId && !membership.groupKey) {
        const admins = await repository.countWholeAdmins(organisationId);
        if (admins <= 1) throw new AppError('LAST_ADMIN');
      }
      await repository.deleteMemberships(organisationId, [membershipId]);
      await this.membershipsRemoved(repository, organisationId, [membership], by);
    });
    return { id: membershipId, removed: true };
  }

  // --- caseworker groups ---

  async listGroups(
    organisationId: OrganisationId,
    serviceSlug: string,
  ): Promise<{ service: string; groups: GroupView[] }> {
    const service = await this.service(organisationId, serviceSlug);
    const [declared, members, routed] = await Promise.all([
      this.repository.groupLabels(organisationId, service.id),
      this.repository.caseworkersOf(organisationId, service.id),
      this.routedGroups(this.repository, organisationId, service),
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

  async createGroup(
    organisationId: OrganisationId,
    serviceSlug: string,
    input: { key: string; label?: string | null },
  ) {
    const service = await this.service(organisationId, serviceSlug);
    const key = normaliseGroupKey(input.key);
    const label = input.label?.trim() || key;
    if (!(await this.repository.addGroupLabel(organisationId, service.id, key, label)))
      throw new AppError('GROUP_EXISTS');
    const routed = await this.routedGroups(this.repository, organisationId, service);
    return { key, label, declared: true, routed: routed.has(key) };
  }

  /** Deletes a group's label and its members' memberships; refused while routing still sends requests to it. */
  async deleteGroup(organisationId: OrganisationId, serviceSlug: string, rawKey: string, by: ChangedBy = OPERATOR) {
    const service = await this.service(organisationId, serviceSlug);
    const key = this.keyOrNotFound(rawKey);
    return this.repository.transaction(async (repository) => {
      if ((await this.routedGroups(repository, organisationId, service)).has(key)) throw new AppError('GROUP_IN_USE');
      const labelled = await repository.deleteGroupLabel(organisationId, service.id, key);
      const removed = await repository.groupMembers(organisationId, service.id, key);
      const ids = removed.map((m) => m.id);
      if (ids.length) await repository.deleteMemberships(organisationId, ids);
      if (!labelled && !removed.length) throw new AppError('NOT_FOUND');
      await this.membershipsRemoved(repository, organisationId, removed, by);
      return { key, deleted: true, membersRemoved: removed.length };
    });
  }

  async addGroupMember(
    organisationId: OrganisationId,
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
    organisationId: OrganisationId,
    serviceSlug: string,
    rawKey: string,
    membershipId: string,
    by: ChangedBy = OPERATOR,
  ) {
    const service = await this.service(organisationId, serviceSlug);
    const key = this.keyOrNotFound(rawKey);
    if (!isUuid(membershipId)) throw new AppError('NOT_FOUND');
    await this.repository.transaction(async (repository) => {
      const membership = await repository.membership(organisationId, membershipId, {
        serviceId: service.id,
        groupKey: key,
      });
      if (!membership) throw new AppError('NOT_FOUND');
      await repository.deleteMemberships(organisationId, [membershipId]);
      await this.membershipsRemoved(repository, organisationId, [membership], by);
    });
    return { id: membershipId, removed: true };
  }

  // --- helpers ---

  /** Records removed memberships and revokes the tokens of whoever is no longer an admin. */
  private async membershipsRemoved(
    repository: OrganisationRepository,
    organisationId: OrganisationId,
    removed: AgentMembership[],
    by: ChangedBy,
  ): Promise<void> {
    for (const m of removed) await recordMembership(repository, organisationId, by, 'membership_removed', m.email, m);
    for (const email of new Set(removed.map((m) => m.email))) {
      await revokeTokensOfFormerAdmin(repository, organisationId, email, by);
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

  private async service(organisationId: OrganisationId, slug: string, pointer?: string): Promise<Service> {
    const service = SERVICE_SLUG.test(slug) ? await this.repository.service(organisationId, slug) : null;
    if (service) return service;
    if (pointer) throw invalid(pointer, 'unknown_service', 'Démarche inconnue dans cette organisation.');
    throw new AppError('NOT_FOUND');
  }

  /** Groups named by the routing of the draft and of the latest published version (the default workflow's too). */
  private async routedGroups(
    repository: OrganisationRepository,
    organisationId: OrganisationId,
    service: Service,
  ): Promise<Set<string>> {
    const definitions: unknown[] = [service.draftDefinition];
    if (service.latestVersion !== null) {
      const version = await repository.versionDefinition(organisationId, service.id, service.latestVersion);
      if (version !== undefined) definitions.push(version);
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
    organisationId: OrganisationId,
    email: string,
    role: OrganisationRole,
    serviceId: string | null,
    groupKey: string | null,
    by: ChangedBy,
  ): Promise<AgentMembership> {
    const row = await this.repository.transaction(async (repository) => {
      const added = await repository.addMembership(organisationId, { email, role, serviceId, groupKey });
      if (!added) throw new AppError('MEMBERSHIP_EXISTS');
      await recordMembership(repository, organisationId, by, 'membership_added', email, { role, serviceId, groupKey });
      return added;
    });
    return Object.assign(new AgentMembership(), {
      id: row.id,
      organisationId,
      email,
      role,
      serviceId,
      groupKey,
      createdAt: row.createdAt,
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
