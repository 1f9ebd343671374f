import type { DataSource, EntityManager } from 'typeorm';
import { FormVersion } from '@guichet/persistence';
import { FormVersions } from './form-versions';

const definition = {
  schema: { type: 'object', properties: {} },
  uiSchema: {},
  pages: [],
  rules: [],
  settings: {},
};

/** A data source whose only table is form_version, counting the reads. */
function fakeDataSource() {
  const reads: string[] = [];
  const manager = {
    getRepository: (entity: unknown) => {
      expect(entity).toBe(FormVersion);
      return {
        findOneByOrFail: async (where: {
          id?: string;
          organisationId?: string;
          serviceId?: string;
          number?: number;
        }) => {
          const id = where.id ?? `${where.serviceId}-v${where.number}`;
          reads.push(where.id ?? `${where.organisationId}:${where.serviceId}:${where.number}`);
          return { id, definition, contentHash: `hash-${id}` };
        },
      };
    },
  } as unknown as EntityManager;
  return { dataSource: { manager } as unknown as DataSource, reads };
}

describe('FormVersions', () => {
  it('is one instance per data source', () => {
    const one = fakeDataSource().dataSource;
    const other = fakeDataSource().dataSource;
    expect(FormVersions.of(one)).toBe(FormVersions.of(one));
    expect(FormVersions.of(one)).not.toBe(FormVersions.of(other));
  });

  it('reads each version once, with its workflow', async () => {
    const { dataSource, reads } = fakeDataSource();
    const versions = FormVersions.of(dataSource);
    const first = await versions.get('v1');
    expect(await versions.get('v1')).toBe(first);
    expect(first.hash).toBe('hash-v1');
    expect(first.workflow).toBeDefined();
    expect(reads).toEqual(['v1']);
  });

  it('forgets the least recently used version, not the first read', async () => {
    const { dataSource, reads } = fakeDataSource();
    const versions = FormVersions.detached(dataSource, 2);
    await versions.get('a');
    await versions.get('b');
    await versions.get('a'); // a used again: b is now the oldest
    await versions.get('c'); // b goes
    await versions.get('a');
    expect(reads).toEqual(['a', 'b', 'c']);
    await versions.get('b');
    expect(reads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('reads a version by its number once, and shares it with the reads by id', async () => {
    const { dataSource, reads } = fakeDataSource();
    const versions = FormVersions.detached(dataSource, 10);
    const first = await versions.numbered('org', 's', 2);
    expect(await versions.numbered('org', 's', 2)).toBe(first);
    expect(await versions.get('s-v2')).toBe(first);
    // Another organisation's key is another read (the desk scopes it by organisation): never the cached one.
    await versions.numbered('other', 's', 2);
    await versions.numbered('org', 's', 3);
    expect(reads).toEqual(['org:s:2', 'other:s:2', 'org:s:3']);
  });
});
