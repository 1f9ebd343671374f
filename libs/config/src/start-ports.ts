import { createServer } from 'node:net';

/** A port `npm start` is about to open, named by the variable that sets it. */
export interface WantedPort {
  variable: string;
  port: number;
  host: string;
  /** Set by the operator: never moved, refused when taken. */
  explicit: boolean;
}

export interface SettledPorts {
  /** Variable → port to use (every wanted one, moved or not). */
  ports: Record<string, number>;
  /** Ports moved because another program (another installation, say) holds the default: one line each. */
  moved: Array<{ variable: string; from: number; to: number }>;
  /** Ports the operator set and another program holds: nothing can start. */
  taken: WantedPort[];
}

/** Whether `port` can be listened on at `host` right now. */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Settles the ports of a local start before anything is started, so that a second installation on the same machine
 * starts too (its own database, queue prefix and data directory are already its own): a default port another
 * program holds is moved to the next free one above it, and said; a port the operator chose and another program
 * holds is refused, all of them in one message, rather than one process dying after the others started.
 */
export async function settlePorts(
  wanted: WantedPort[],
  isFree: (port: number, host: string) => Promise<boolean> = portIsFree,
  tries = 100,
): Promise<SettledPorts> {
  const ports: Record<string, number> = {};
  const moved: SettledPorts['moved'] = [];
  const taken: WantedPort[] = [];
  const used = new Set<number>();
  for (const want of wanted) {
    if (!used.has(want.port) && (await isFree(want.port, want.host))) {
      ports[want.variable] = want.port;
      used.add(want.port);
      continue;
    }
    let found: number | undefined;
    // The next free port above, never another wanted one's default (PORT moved to 3001 would take the IdP's).
    for (let port = want.port + 1; !want.explicit && port <= Math.min(want.port + tries, 65_535); port++) {
      if (!used.has(port) && !wanted.some((other) => other.port === port) && (await isFree(port, want.host))) {
        found = port;
        break;
      }
    }
    ports[want.variable] = found ?? want.port;
    if (found === undefined) {
      taken.push(want);
      continue;
    }
    used.add(found);
    moved.push({ variable: want.variable, from: want.port, to: found });
  }
  return { ports, moved, taken };
}
