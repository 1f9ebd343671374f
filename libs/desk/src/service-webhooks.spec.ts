import type { DataSource } from 'typeorm';
import type { ServiceCatalogue } from '@guichet/forms';
import type { Actor } from '@guichet/identity';
import { ServiceWebhooks } from './service-webhooks';

const actor = { id: 'account:1' } as Actor;
const o1 = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

function fakes(versions: Array<{ version: number }>) {
  const log: unknown[] = [];
  const dataSource = {
    getRepository: () => ({
      findOneByOrFail: async (where: object) => (log.push(['service', where]), { id: 's1', webhookSecret: 'whsec_a' }),
    }),
    query: async (sql: string) => void log.push(['query', sql.split(' ')[0]]),
  } as unknown as DataSource;
  const catalogue = {
    get: async (_: Actor, slug: string, options: object) => (
      log.push(['get', options]),
      { slug, organisationId: o1, versions }
    ),
    version: async (_: Actor, _slug: string, version: number) => (
      log.push(['version', version]),
      { definition: { settings: { webhookUrl: 'https://example.org/hook' } } }
    ),
  } as unknown as ServiceCatalogue;
  return { log, webhooks: new ServiceWebhooks(dataSource, catalogue) };
}

describe('a service’s webhook', () => {
  it('reads the service within its organisation and the address of the latest published version', async () => {
    const { log, webhooks } = fakes([{ version: 3 }, { version: 2 }]);
    expect(await webhooks.view(actor, 'cantine')).toEqual({ url: 'https://example.org/hook', secret: 'whsec_a' });
    expect(log).toEqual([
      ['get', { act: false }],
      ['service', { slug: 'cantine', organisationId: o1 }],
      ['version', 3],
    ]);
  });

  it('has no address before a first publication', async () => {
    const { log, webhooks } = fakes([]);
    expect((await webhooks.view(actor, 'cantine')).url).toBeNull();
    expect(log.some((l) => (l as unknown[])[0] === 'version')).toBe(false);
  });

  it('is rotated only by who may change the service, in one UPDATE then a read', async () => {
    const { log, webhooks } = fakes([{ version: 1 }]);
    await webhooks.view(actor, 'cantine', { rotate: true });
    expect(log).toEqual([
      ['get', { act: true }],
      ['service', { slug: 'cantine', organisationId: o1 }],
      ['version', 1],
      ['query', 'UPDATE'],
      ['service', { id: 's1', organisationId: o1 }],
    ]);
  });
});
