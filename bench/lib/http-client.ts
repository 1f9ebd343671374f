import { Agent, request } from 'node:http';

export interface LightResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * The benches' load generator: node:http over kept-alive connections, about a third of `fetch`'s CPU per
 * request (WHATWG streams and Headers objects cost more than the API call they carry). The clients share the
 * machine with the API and PostgreSQL: what they spend is taken from what is measured; pgbench, the baseline,
 * spends a tenth of a millisecond per transaction.
 */
export class LightClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });

  send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<LightResponse> {
    return new Promise((resolve, reject) => {
      const body = init.body === undefined ? undefined : Buffer.from(init.body);
      const req = request(
        url,
        {
          method: init.method,
          agent: this.agent,
          headers: body ? { ...init.headers, 'content-length': String(body.length) } : init.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
