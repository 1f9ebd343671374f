import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobTopic } from './jobs';

/**
 * Producers name jobs through the registry (JobTopic, addOutbox), never by a
 * string typed by hand: the types catch a wrong name only where the registry
 * is used. This reads the product sources to find the places it is not.
 */
const ROOT = join(__dirname, '../../..');
const REGISTRY = 'libs/queue/src/jobs.ts';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.(spec|test)\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const files = ['libs', 'apps/api/src', 'apps/worker/src', 'scripts']
  .flatMap(sources)
  .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));

describe('job producers', () => {
  it('reads the product sources', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.map((f) => f.path)).toContain(REGISTRY);
  });

  it('never spell a job name outside the registry', () => {
    const names = Object.values(JobTopic);
    const found = files
      .filter((f) => f.path !== REGISTRY)
      .flatMap((f) =>
        names
          .filter((name) => f.text.includes(`'${name}'`) || f.text.includes(`"${name}"`))
          .map((n) => `${f.path}: ${n}`),
      );
    expect(found).toEqual([]);
  });

  it('never write an outbox topic as a literal', () => {
    const found = files.filter((f) => /\btopic\s*:\s*['"`]/.test(f.text)).map((f) => f.path);
    expect(found).toEqual([]);
  });

  it('write outbox rows through addOutbox only', () => {
    const repositoryInserts = files
      .filter((f) => f.path !== 'libs/queue/src/outbox.ts')
      .filter((f) => /getRepository\(OutboxRow\)\s*\.\s*(insert|save)|into\(OutboxRow\)/.test(f.text))
      .map((f) => f.path);
    expect(repositoryInserts).toEqual([]);
    // addOutbox itself writes its rows in one INSERT; nothing else may.
    const rawInserts = files
      .filter((f) => f.path !== 'libs/queue/src/outbox.ts')
      .filter((f) => /INSERT INTO outbox/i.test(f.text) && !f.path.includes('/migrations/'))
      .map((f) => f.path);
    expect(rawInserts).toEqual([]);
  });
});
