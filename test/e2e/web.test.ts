import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ROOT } from '../support/processes';
import { startStack, type Stack } from '../support/stack';

describe('web app served by the API', () => {
  let stack: Stack;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/web/index.html')))
      throw new Error('dist/web is missing: npm test builds it first');
    stack = await startStack({ backend: 'postgres', worker: false, env: { WEB_DIST_DIR: join(ROOT, 'dist/web') } });
  });
  afterAll(() => stack?.close());

  it.each([
    '/',
    '/demarches/signaler-un-nid-de-poule',
    '/mes-demarches',
    '/mes-demarches/123',
    '/studio',
    '/instruction',
  ])('serves the page %s in French', async (path) => {
    const res = await request(stack.url).get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<html lang="fr">');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets with a long cache, all from our own origin', async () => {
    const html = (await request(stack.url).get('/').expect(200)).text;
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(asset.startsWith('/')).toBe(true);
    const script = assets.find((a) => a.startsWith('/assets/') && a.endsWith('.js'))!;
    const res = await request(stack.url).get(script).expect(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('answers a missing asset or an unknown address with a JSON 404, not the page', async () => {
    const asset = await request(stack.url).get('/assets/nope.js').expect(404);
    expect(asset.body.code).toBe('NOT_FOUND');
    const page = await request(stack.url).get('/wp-admin').expect(404);
    expect(page.body.code).toBe('NOT_FOUND');
  });
});
