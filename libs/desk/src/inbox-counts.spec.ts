import type { DataSource } from 'typeorm';
import { organisationId, type OrganisationId } from '@guichet/shared';
import { Inbox } from './inbox';

const org = organisationId('11111111-1111-4111-8111-111111111111');

type Counts = { a_traiter: number; traites: number; tous: number };

/** An Inbox whose database answers counts from a list, one per statement, each when the test releases it. */
function inboxWith() {
  const asked: Array<{ resolve: (rows: Counts[]) => void; reject: (error: Error) => void }> = [];
  const dataSource = {
    query: () => new Promise<Counts[]>((resolve, reject) => asked.push({ resolve, reject })),
  } as unknown as DataSource;
  const inbox = new Inbox(dataSource) as unknown as {
    sharedCounts(organisationId: OrganisationId, serviceId: string, groups: readonly string[] | null): Promise<Counts>;
  };
  const counts = (tous: number): Counts[] => [{ a_traiter: tous, traites: 0, tous }];
  return { inbox, asked, counts };
}

describe('Inbox shared counts', () => {
  let now = 1_000_000;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('counts once for the requests of ten seconds, which share the count in flight', async () => {
    const { inbox, asked, counts } = inboxWith();
    const first = inbox.sharedCounts(org, 's', null);
    const second = inbox.sharedCounts(org, 's', null);
    expect(asked).toHaveLength(1);
    asked[0]!.resolve(counts(5));
    await expect(Promise.all([first, second])).resolves.toEqual([counts(5)[0], counts(5)[0]]);
    now += 9_000;
    await expect(inbox.sharedCounts(org, 's', null)).resolves.toEqual(counts(5)[0]);
    expect(asked).toHaveLength(1);
  });

  it('answers a count older than ten seconds at once, and counts again for the next requests', async () => {
    const { inbox, asked, counts } = inboxWith();
    const first = inbox.sharedCounts(org, 's', null);
    asked[0]!.resolve(counts(5));
    await first;
    now += 11_000;
    // The old answer, without waiting; a new count started, once.
    await expect(inbox.sharedCounts(org, 's', null)).resolves.toEqual(counts(5)[0]);
    await expect(inbox.sharedCounts(org, 's', null)).resolves.toEqual(counts(5)[0]);
    expect(asked).toHaveLength(2);
    asked[1]!.resolve(counts(6));
    await tick();
    await expect(inbox.sharedCounts(org, 's', null)).resolves.toEqual(counts(6)[0]);
    expect(asked).toHaveLength(2);
  });

  it('makes the agent wait for a fresh count past a minute', async () => {
    const { inbox, asked, counts } = inboxWith();
    const first = inbox.sharedCounts(org, 's', null);
    asked[0]!.resolve(counts(5));
    await first;
    now += 61_000;
    const fresh = inbox.sharedCounts(org, 's', null);
    expect(asked).toHaveLength(2);
    asked[1]!.resolve(counts(7));
    await expect(fresh).resolves.toEqual(counts(7)[0]);
  });

  it('keeps the old answer when a new count fails, and tries again on the next request', async () => {
    const { inbox, asked, counts } = inboxWith();
    const first = inbox.sharedCounts(org, 's', null);
    asked[0]!.resolve(counts(5));
    await first;
    now += 11_000;
    await expect(inbox.sharedCounts(org, 's', null)).resolves.toEqual(counts(5)[0]);
    asked[1]!.reject(new Error('database down'));
    await tick();
    await expect(inbox.sharedCounts(org, 's', null)).resolves.toEqual(counts(5)[0]);
    expect(asked).toHaveLength(3);
  });

  it('forgets a first count that failed', async () => {
    const { inbox, asked, counts } = inboxWith();
    const first = inbox.sharedCounts(org, 's', null);
    asked[0]!.reject(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    const again = inbox.sharedCounts(org, 's', null);
    expect(asked).toHaveLength(2);
    asked[1]!.resolve(counts(3));
    await expect(again).resolves.toEqual(counts(3)[0]);
  });

  it('counts each service, and each set of groups, apart', async () => {
    const { inbox, asked } = inboxWith();
    void inbox.sharedCounts(org, 's', null);
    void inbox.sharedCounts(org, 's', ['nord']);
    void inbox.sharedCounts(org, 't', null);
    expect(asked).toHaveLength(3);
  });
});
