import type { DataSource } from 'typeorm';
import { AppError } from '@guichet/shared';
import { AgentPreferences } from './agent-preferences';
import type { DeskActor } from './access';
import type { Inbox } from './inbox';

const actor: DeskActor = { id: 'account:1', organisationIds: [], grants: [] };
const definition = { schema: { type: 'object', properties: { name: { type: 'string' } } }, uiSchema: {} };

/** A data source that records each statement, and an inbox whose service check can refuse. */
function fakes(saved: object | null, refuse = false) {
  const log: string[] = [];
  const dataSource = {
    getRepository: () => ({
      findOneBy: async () => (log.push('findOneBy'), saved),
      upsert: async () => void log.push('upsert'),
    }),
    query: async () => void log.push('query'),
  } as unknown as DataSource;
  const inbox = {
    service: async () => {
      log.push('inbox.service');
      if (refuse) throw new AppError('NOT_FOUND');
      return { definition };
    },
  } as unknown as Inbox;
  return { log, preferences: new AgentPreferences(dataSource, inbox) };
}

describe('an agent’s preferences', () => {
  it('are the daily digest and no columns until chosen, in one read each', async () => {
    const { log, preferences } = fakes(null);
    expect(await preferences.notify('a@b.fr')).toBe('digest');
    expect(await preferences.columns('a@b.fr', 'cantine', actor)).toEqual([]);
    expect(log).toEqual(['findOneBy', 'inbox.service', 'findOneBy']);
  });

  it('show a service’s columns only to who may see that service', async () => {
    const { log, preferences } = fakes({ inboxColumns: { cantine: ['/name'] } }, true);
    await expect(preferences.columns('a@b.fr', 'cantine', actor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(log).toEqual(['inbox.service']);
  });

  it('keep columns that are fields of the published definition, once each, in one statement', async () => {
    const { log, preferences } = fakes(null);
    expect(await preferences.setColumns('a@b.fr', 'cantine', actor, ['/name', '/name'])).toEqual(['/name']);
    expect(log).toEqual(['inbox.service', 'query']);
  });

  it('refuse a column that is not a field, writing nothing', async () => {
    const { log, preferences } = fakes(null);
    await expect(preferences.setColumns('a@b.fr', 'cantine', actor, ['/missing'])).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(log).toEqual(['inbox.service']);
  });
});
