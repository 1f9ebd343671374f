import express from 'express';
import request from 'supertest';
import { AdmissionGate, LagShedder, OVERLOAD_RETRY_AFTER_SECONDS, defaultMaxInflight } from './overload';

describe('LagShedder', () => {
  function appWith(lags: number[], limitMs = 200) {
    const shedder = new LagShedder({ limitMs, sample: () => lags.shift() ?? 0 });
    const app = express();
    app.use(shedder.middleware());
    app.all(/.*/, (_req, res) => {
      res.json({ served: true });
    });
    return { app, shedder };
  }

  it('serves everything while the event loop keeps up, or lags once (a boot, a long tick)', async () => {
    const { app, shedder } = appWith([150, 150, 900, 150, 900]);
    for (let i = 0; i < 5; i++) expect(shedder.check()).toBe(false);
    await request(app).post('/api/v1/drafts').send({}).expect(200, { served: true });
  });

  it('answers new requests 503 with Retry-After and a French message when the loop lags, then serves again', async () => {
    const { app, shedder } = appWith([450, 450, 20]);
    expect(shedder.check()).toBe(false);
    expect(shedder.check()).toBe(true);
    expect(shedder.lagMs).toBe(450);
    const res = await request(app).post('/api/v1/drafts/x/submit').set('Accept-Language', 'fr').send({ a: 1 });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(OVERLOAD_RETRY_AFTER_SECONDS));
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Le service est momentanément indisponible (service très demandé). Réessayez dans quelques instants.',
    });
    expect(shedder.shed).toBe(1);
    expect(shedder.check()).toBe(false);
    await request(app).post('/api/v1/drafts/x/submit').send({ a: 1 }).expect(200);
  });

  it('never sheds health probes or metrics', async () => {
    const { app, shedder } = appWith([5000, 5000]);
    shedder.check();
    shedder.check();
    await request(app).get('/health/live').expect(200);
    await request(app).get('/health/ready').expect(200);
    await request(app).get('/metrics').expect(200);
    await request(app).get('/healthy-looking-page').expect(503);
  });

  it('does nothing when the limit is 0', async () => {
    const { app, shedder } = appWith([60_000, 60_000], 0);
    expect(shedder.check()).toBe(false);
    expect(shedder.check()).toBe(false);
    await request(app).get('/api/v1/services').expect(200);
  });

  it('sheds new requests while a database connection would take longer than the limit, and serves again after', async () => {
    let waiting = 0;
    const shedder = new LagShedder({ limitMs: 500, sample: () => 0, databaseWaitMs: () => waiting, waitLimitMs: 20 });
    const app = express();
    app.use(shedder.middleware());
    app.all(/.*/, (_req, res) => void res.json({ served: true }));
    waiting = 20;
    await request(app).post('/api/v1/submissions/x/submit').send({}).expect(200);
    waiting = 21;
    const res = await request(app).post('/api/v1/submissions/x/submit').send({});
    expect([res.status, res.headers['retry-after'], res.body.code]).toEqual([
      503,
      String(OVERLOAD_RETRY_AFTER_SECONDS),
      'SERVICE_UNAVAILABLE',
    ]);
    await request(app).get('/health/ready').expect(200);
    expect(shedder.shed).toBe(1);
    waiting = 3;
    await request(app).post('/api/v1/submissions/x/submit').send({}).expect(200);
  });

  it('ignores the database queue when its limit is 0', async () => {
    const shedder = new LagShedder({ limitMs: 500, sample: () => 0, databaseWaitMs: () => 1000, waitLimitMs: 0 });
    const app = express();
    app.use(shedder.middleware());
    app.all(/.*/, (_req, res) => void res.json({ served: true }));
    await request(app).get('/api/v1/services').expect(200);
  });
});

describe('AdmissionGate', () => {
  /** An app whose changes wait until the test releases them. */
  function gatedApp(maxInflight: number, maxWaitMs: number) {
    const gate = new AdmissionGate({ maxInflight, maxWaitMs });
    const releases: Array<() => void> = [];
    const app = express();
    app.use(gate.middleware());
    app.all(/.*/, (_req, res) => {
      releases.push(() => void res.json({ served: true }));
    });
    return { app, gate, releases };
  }
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('serves changes up to the limit, lets the next wait its turn, and serves it when one ends', async () => {
    const { app, gate, releases } = gatedApp(2, 5_000);
    const server = app.listen(0);
    try {
      const answers = [1, 2, 3].map(() => request(server).post('/api/v1/submissions/x/submit').send({}));
      const done = Promise.all(answers.map((a) => a.then((r) => r.status)));
      await until(() => releases.length === 2);
      expect([releases.length, gate.served]).toEqual([2, 2]);
      releases.shift()!();
      await until(() => releases.length === 2);
      for (const release of releases.splice(0)) release();
      await expect(done).resolves.toEqual([200, 200, 200]);
      expect(gate.shed).toBe(0);
    } finally {
      server.close();
    }
  });

  it('answers 503 with Retry-After to a change that waited too long, and serves the others', async () => {
    const { app, gate, releases } = gatedApp(1, 50);
    const server = app.listen(0);
    try {
      const first = request(server).patch('/api/v1/submissions/x').send({});
      const firstDone = first.then((r) => r.status);
      await until(() => releases.length === 1);
      const second = await request(server).post('/api/v1/submissions/y/submit').set('Accept-Language', 'fr').send({});
      expect([second.status, second.headers['retry-after'], second.body.code]).toEqual([
        503,
        String(OVERLOAD_RETRY_AFTER_SECONDS),
        'SERVICE_UNAVAILABLE',
      ]);
      expect(second.body.message).toContain('service très demandé');
      expect(gate.shed).toBe(1);
      releases.shift()!();
      await expect(firstDone).resolves.toBe(200);
      expect(gate.served).toBe(0);
    } finally {
      server.close();
    }
  });

  it('lets reads, uploads and pages go around the gate', async () => {
    const { app, releases } = gatedApp(1, 10_000);
    const server = app.listen(0);
    try {
      const held = request(server).post('/api/v1/submissions/x/submit').send({});
      const heldDone = held.then((r) => r.status);
      await until(() => releases.length === 1);
      const others = [
        request(server).get('/api/v1/submissions/x'),
        request(server).post('/api/v1/submissions/x/attachments').attach('file', Buffer.from('x'), 'photo.jpg'),
        request(server).post('/auth/logout').send({}),
      ];
      const othersDone = Promise.all(others.map((o) => o.then((r) => r.status)));
      await until(() => releases.length === 4);
      expect(releases).toHaveLength(4);
      for (const release of releases.splice(0)) release();
      await expect(othersDone).resolves.toEqual([200, 200, 200]);
      await expect(heldDone).resolves.toBe(200);
    } finally {
      server.close();
    }
  });

  it('does nothing when the limit is 0', async () => {
    const { app, releases } = gatedApp(0, 0);
    const server = app.listen(0);
    try {
      const answers = [1, 2, 3].map(() =>
        request(server)
          .post('/api/v1/x')
          .send({})
          .then((r) => r.status),
      );
      await until(() => releases.length === 3);
      for (const release of releases.splice(0)) release();
      await expect(Promise.all(answers)).resolves.toEqual([200, 200, 200]);
    } finally {
      server.close();
    }
  });
});

describe('defaultMaxInflight', () => {
  it('allows four changes per core, never more than the pool holds, never none', () => {
    expect(defaultMaxInflight(20, 2)).toBe(8);
    expect(defaultMaxInflight(20, 8)).toBe(20);
    expect(defaultMaxInflight(3, 2)).toBe(3);
    expect(defaultMaxInflight(0, 2)).toBe(1);
  });
});
