import type { DataSource, EntityManager } from 'typeorm';
import { FormVersion } from '@guichet/persistence';
import { LruCache, type ServiceDefinition } from '@guichet/shared';
import { workflowOf, type WorkflowDefinition } from '@guichet/workflow';

export interface PublishedVersion {
  definition: ServiceDefinition;
  hash: string;
  workflow: WorkflowDefinition;
}

/** Versions kept per database: a few hundred services' current and recent versions. */
export const FORM_VERSIONS_CACHED = 500;

const byDatabase = new WeakMap<DataSource, FormVersions>();

/**
 * Published versions never change: each is read once per process and kept
 * (the FORM_VERSIONS_CACHED most recently used), with its workflow. One
 * instance per data source, shared by every service that reads versions
 * (submissions, transitions, documents, notifications, the desk): get it
 * with `FormVersions.of(dataSource)`.
 */
export class FormVersions {
  private readonly cache: LruCache<string, PublishedVersion>;
  /** A version's id by its organisation, service and number (which never name another version). */
  private readonly ids: LruCache<string, string>;

  private constructor(
    private readonly dataSource: DataSource,
    capacity: number,
  ) {
    this.cache = new LruCache(capacity);
    this.ids = new LruCache(capacity);
  }

  /** The one instance for this data source. */
  static of(dataSource: DataSource): FormVersions {
    let versions = byDatabase.get(dataSource);
    if (!versions) {
      versions = new FormVersions(dataSource, FORM_VERSIONS_CACHED);
      byDatabase.set(dataSource, versions);
    }
    return versions;
  }

  /** An instance of its own, for tests of the cache. */
  static detached(dataSource: DataSource, capacity: number): FormVersions {
    return new FormVersions(dataSource, capacity);
  }

  async get(formVersionId: string, manager: EntityManager = this.dataSource.manager): Promise<PublishedVersion> {
    const cached = this.cache.get(formVersionId);
    if (cached) return cached;
    const version = await manager.getRepository(FormVersion).findOneByOrFail({ id: formVersionId });
    const definition = version.definition as unknown as ServiceDefinition;
    const entry = { definition, hash: version.contentHash, workflow: workflowOf(definition) };
    this.cache.set(formVersionId, entry);
    return entry;
  }

  /**
   * The service's version with this number, within this organisation (as a desk read scopes it): read once per
   * process like `get` (a version's number is never reused within its service), the definition kept once.
   */
  async numbered(organisationId: string, serviceId: string, number: number): Promise<PublishedVersion> {
    const key = `${organisationId}:${serviceId}:${number}`;
    const id = this.ids.get(key);
    if (id) {
      const cached = this.cache.get(id);
      if (cached) return cached;
    }
    const version = await this.dataSource.manager
      .getRepository(FormVersion)
      .findOneByOrFail({ organisationId, serviceId, number });
    const definition = version.definition as unknown as ServiceDefinition;
    const entry = { definition, hash: version.contentHash, workflow: workflowOf(definition) };
    this.ids.set(key, version.id);
    this.cache.set(version.id, entry);
    return entry;
  }
}
