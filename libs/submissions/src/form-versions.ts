import type { DataSource, EntityManager } from 'typeorm';
import { FormVersion } from '@guichet/persistence';
import type { ServiceDefinition } from '@guichet/shared';
import { workflowOf, type WorkflowDefinition } from '@guichet/workflow';

export interface PublishedVersion {
  definition: ServiceDefinition;
  hash: string;
  workflow: WorkflowDefinition;
}

/**
 * Published versions never change: each is read once per process and kept
 * (the 500 most recently read), with its workflow.
 */
export class FormVersions {
  private readonly cache = new Map<string, PublishedVersion>();

  constructor(private readonly dataSource: DataSource) {}

  async get(formVersionId: string, manager: EntityManager = this.dataSource.manager): Promise<PublishedVersion> {
    const cached = this.cache.get(formVersionId);
    if (cached) return cached;
    const version = await manager.getRepository(FormVersion).findOneByOrFail({ id: formVersionId });
    const definition = version.definition as unknown as ServiceDefinition;
    const entry = { definition, hash: version.contentHash, workflow: workflowOf(definition) };
    if (this.cache.size >= 500) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(formVersionId, entry);
    return entry;
  }
}
