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
        findOneByOrFail: async ({ id }: { id: string }) => {
          reads.push(id);
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
});
