import type { OrganisationArchiveView } from '@guichet/shared';
import { archiveMessage, archiveSize } from './archive-text';

const view = (more: Partial<OrganisationArchiveView>): OrganisationArchiveView => ({
  archiveId: 'a',
  organisationId: 'o',
  status: 'queued',
  bytes: null,
  createdAt: '2026-12-04T10:00:00.000Z',
  finishedAt: null,
  expiresAt: '2026-12-05T10:00:00.000Z',
  statusUrl: '/x',
  ...more,
});

describe('the archive section’s words', () => {
  it('gives sizes in Mo and Ko', () => {
    expect(archiveSize(123_456_789).replace(/\s/g, ' ')).toBe('123,5 Mo');
    expect(archiveSize(45_300)).toBe('45 Ko');
    expect(archiveSize(10)).toBe('1 Ko');
  });

  it('says the archive is being prepared, ready until when, or what went wrong', () => {
    expect(archiveMessage(view({ status: 'running' }))).toBe('Archive en préparation…');
    expect(archiveMessage(view({ status: 'ready', bytes: 2_000_000 }))).toMatch(
      /^Archive prête \(2 Mo\), disponible jusqu’au 5 décembre 2026 à \d+ h \d\d\.$/,
    );
    expect(archiveMessage(view({ status: 'failed', error: 'L’archive n’a pas pu être préparée.' }))).toBe(
      'L’archive n’a pas pu être préparée.',
    );
  });
});
