import { createServer, type Server } from 'node:net';
import { portIsFree, settlePorts, type WantedPort } from './start-ports';

const want = (variable: string, port: number, explicit = false): WantedPort => ({
  variable,
  port,
  host: '127.0.0.1',
  explicit,
});

describe('settlePorts', () => {
  /** Ports another program holds, in this fake machine. */
  const held = (ports: number[]) => async (port: number) => !ports.includes(port);

  it('keeps every free default as it is, and moves nothing', async () => {
    const settled = await settlePorts([want('PORT', 3000), want('IDP_PORT', 3001)], held([]));
    expect(settled).toEqual({ ports: { PORT: 3000, IDP_PORT: 3001 }, moved: [], taken: [] });
  });

  it("moves a held default to the next free port above it, never onto another wanted port's default", async () => {
    // A first installation holds 3000, 3001, 1025 and 1080.
    const settled = await settlePorts(
      [want('PORT', 3000), want('IDP_PORT', 3001), want('SMTP', 1025), want('HTTP', 1080)],
      held([3000, 3001, 3002, 1025, 1080]),
    );
    expect(settled.ports).toEqual({ PORT: 3003, IDP_PORT: 3004, SMTP: 1026, HTTP: 1081 });
    expect(settled.moved).toEqual([
      { variable: 'PORT', from: 3000, to: 3003 },
      { variable: 'IDP_PORT', from: 3001, to: 3004 },
      { variable: 'SMTP', from: 1025, to: 1026 },
      { variable: 'HTTP', from: 1080, to: 1081 },
    ]);
    expect(settled.taken).toEqual([]);
  });

  it('refuses a held port the operator chose, and the same port chosen twice', async () => {
    const settled = await settlePorts(
      [want('PORT', 8080, true), want('IDP_PORT', 3001, true), want('SMTP', 3001, true)],
      held([8080]),
    );
    expect(settled.taken.map((t) => t.variable)).toEqual(['PORT', 'SMTP']);
    expect(settled.moved).toEqual([]);
  });

  it('gives up after so many tries, as taken', async () => {
    const settled = await settlePorts([want('PORT', 3000)], async () => false, 5);
    expect(settled.taken.map((t) => t.variable)).toEqual(['PORT']);
  });
});

describe('portIsFree', () => {
  it('tells a port a server listens on from a free one', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await portIsFree(port, '127.0.0.1')).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await portIsFree(port, '127.0.0.1')).toBe(true);
  });
});
