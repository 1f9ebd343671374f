import { randomBytes } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Webhook } from 'standardwebhooks';

/** Where a service's webhooks go, and the Standard Webhooks secret that signs them. */
export interface WebhookTarget {
  url: string;
  /** `whsec_` followed by base64, as Standard Webhooks defines it (see `newWebhookSecret`). */
  secret: string;
}

export interface WebhookPolicy {
  /**
   * Host names or IPs, optionally `host:port` (`[::1]:8080` for IPv6), that may
   * be private or loopback and plain http: for development and tests.
   * `WEBHOOK_ALLOW_HOSTS` feeds it (see `parseAllowHosts`).
   */
  allowHosts: string[];
  requireHttps: boolean;
  /** Connect plus response, in total. Default 10 000. */
  timeoutMs?: number;
  /** The response body is read up to this many bytes, then the socket is destroyed. Default 64 KiB. */
  maxResponseBytes?: number;
}

export interface WebhookMessage {
  /** `webhook-id`: the same on every attempt, so receivers can deduplicate. */
  id: string;
  /**
   * `webhook-timestamp`: the time of THIS attempt, not of the event. Receivers
   * refuse timestamps more than 5 minutes away from their clock, so a retry
   * a day later must carry a fresh one. Defaults to now.
   */
  timestamp?: Date;
  /** Sent as JSON. */
  payload: unknown;
}

/**
 * `retry: false` means that sending the same message again would fail the
 * same way (a 4xx, a redirect, a refused address, a bad URL). `reason` is
 * short, in English, and never carries the URL, the body or personal data.
 */
export type WebhookOutcome =
  { ok: true; status: number } | { ok: false; retry: boolean; reason: string; status?: number };

export const WEBHOOK_DEFAULT_TIMEOUT_MS = 10_000;
export const WEBHOOK_DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const USER_AGENT = 'Guichet-Webhooks/1.0';

/** A new Standard Webhooks secret: `whsec_` + 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `WEBHOOK_ALLOW_HOSTS="localhost:4000, 10.0.0.5"` → `['localhost:4000', '10.0.0.5']`. */
export function parseAllowHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The exact body and headers of one attempt (exported for receivers' tests and the docs). */
export function signWebhook(
  secret: string,
  message: WebhookMessage,
): { body: string; headers: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> } {
  const timestamp = message.timestamp ?? new Date();
  const body = JSON.stringify(message.payload ?? null);
  return {
    body,
    headers: {
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(message.id, timestamp, body),
    },
  };
}

/**
 * POSTs one signed message. Never throws; never follows redirects; refuses
 * private addresses at connect time (so a DNS answer that changes between a
 * check and the connection cannot slip through) unless the host is allowed.
 */
export async function sendWebhook(
  target: WebhookTarget,
  message: WebhookMessage,
  policy: WebhookPolicy,
): Promise<WebhookOutcome> {
  try {
    return await deliver(target, message, policy);
  } catch {
    return { ok: false, retry: false, reason: 'unexpected error before sending' };
  }
}

async function deliver(target: WebhookTarget, message: WebhookMessage, policy: WebhookPolicy): Promise<WebhookOutcome> {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return { ok: false, retry: false, reason: 'invalid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, retry: false, reason: 'unsupported URL scheme' };

  const hostname = stripBrackets(url.hostname);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const allowed = isAllowedHost(hostname, port, policy.allowHosts);
  if (policy.requireHttps && url.protocol !== 'https:' && !allowed)
    return { ok: false, retry: false, reason: 'HTTPS required' };
  if (!allowed && net.isIP(hostname)) {
    const kind = classifyAddress(hostname);
    if (kind !== 'public') return { ok: false, retry: false, reason: `address refused (${kind})` };
  }

  if (!/^[\x21-\x7e]{1,255}$/.test(message.id)) return { ok: false, retry: false, reason: 'invalid message id' };
  if (message.timestamp && !Number.isFinite(message.timestamp.getTime()))
    return { ok: false, retry: false, reason: 'invalid timestamp' };
  let signed: ReturnType<typeof signWebhook>;
  try {
    signed = signWebhook(target.secret, message);
  } catch {
    // A bad secret, or a payload JSON cannot represent (a BigInt, a cycle).
    return { ok: false, retry: false, reason: 'cannot sign: invalid secret or payload' };
  }

  const timeoutMs = policy.timeoutMs ?? WEBHOOK_DEFAULT_TIMEOUT_MS;
  const maxBytes = policy.maxResponseBytes ?? WEBHOOK_DEFAULT_MAX_RESPONSE_BYTES;
  const options: https.RequestOptions = {
    method: 'POST',
    protocol: url.protocol,
    hostname,
    port,
    path: `${url.pathname}${url.search}`,
    headers: {
      ...signed.headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(signed.body),
      'user-agent': USER_AGENT,
    },
    // A fresh connection per attempt: no pooled socket that was checked for another host.
    agent: false,
    ...(allowed ? {} : { lookup: guardedLookup() }),
    ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
  };

  return new Promise<WebhookOutcome>((resolve) => {
    let settled = false;
    let statusOutcome: WebhookOutcome | undefined;
    const finish = (outcome: WebhookOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    // Once the status is known, a slow body does not change the answer.
    const timer = setTimeout(
      () => finish(statusOutcome ?? { ok: false, retry: true, reason: `timed out after ${timeoutMs} ms` }),
      timeoutMs,
    );
    const request = url.protocol === 'https:' ? https.request : http.request;
    let req: http.ClientRequest;
    try {
      req = request(options, onResponse);
    } catch {
      // Node refuses header values it cannot send; nothing left the process.
      settled = true;
      clearTimeout(timer);
      return resolve({ ok: false, retry: false, reason: 'invalid request' });
    }
    req.on('error', (error) => finish(outcomeOfError(error)));
    req.end(signed.body);

    function onResponse(res: http.IncomingMessage): void {
      statusOutcome = outcomeOfStatus(res.statusCode ?? 0);
      const outcome = statusOutcome;
      let received = 0;
      // The body is read only to end the exchange cleanly; its content is never kept.
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= maxBytes) finish(outcome);
      });
      res.on('end', () => finish(outcome));
      res.on('error', () => finish(outcome));
      res.on('close', () => finish(outcome));
    }
  });
}

function outcomeOfStatus(status: number): WebhookOutcome {
  if (status >= 200 && status < 300) return { ok: true, status };
  if (status >= 300 && status < 400)
    return { ok: false, retry: false, status, reason: `redirect not followed (HTTP ${status})` };
  const retry = status === 408 || status === 429 || (status >= 500 && status < 600);
  return { ok: false, retry, status, reason: `HTTP ${status}` };
}

function outcomeOfError(error: unknown): WebhookOutcome {
  if (error instanceof AddressRefusedError)
    return { ok: false, retry: false, reason: `address refused (${error.addressClass})` };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // Only the code: messages can hold host names and addresses.
  return { ok: false, retry: true, reason: `connection failed (${typeof code === 'string' ? code : 'unknown'})` };
}

/* ------------------------------------------------------------------------ */
/* Allowed hosts                                                            */
/* ------------------------------------------------------------------------ */

interface AllowEntry {
  host: string;
  port?: number;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Normalises a host the way the URL parser does (case, IDN, IPv4 shorthand, IPv6 compression). */
function normaliseHost(host: string): string | undefined {
  try {
    return stripBrackets(new URL(`http://${net.isIPv6(host) ? `[${host}]` : host}/`).hostname);
  } catch {
    return undefined;
  }
}

function parseAllowEntry(raw: string): AllowEntry | undefined {
  const entry = raw.trim().toLowerCase();
  if (!entry) return undefined;
  let host = entry;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else if (entry.split(':').length === 2) [host, port] = entry.split(':') as [string, string];
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return undefined;
  const normalised = normaliseHost(host);
  return normalised ? { host: normalised, ...(port ? { port: Number(port) } : {}) } : undefined;
}

export function isAllowedHost(hostname: string, port: number, allowHosts: readonly string[]): boolean {
  const host = normaliseHost(hostname);
  if (!host) return false;
  return allowHosts.some((raw) => {
    const entry = parseAllowEntry(raw);
    return !!entry && entry.host === host && (entry.port === undefined || entry.port === port);
  });
}

/* ------------------------------------------------------------------------ */
/* Address classification                                                   */
/* ------------------------------------------------------------------------ */

/**
 * What an IP address is, for deciding whether a webhook may reach it. Only
 * `public` is reachable without an allow-list entry. Documentation,
 * benchmarking, broadcast, 6to4 relay, Teredo, discard-only and everything
 * outside IPv6 global unicast count as `reserved`.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'invalid';

type Range = Exclude<AddressClass, 'public' | 'invalid'>;

/** What a webhook may not reach, by class. Not ipaddr.js's own table: it misses some (198.18.0.0/15, fec0::/10). */
const IPV4_RANGES: Readonly<Partial<Record<Range, readonly string[]>>> = {
  unspecified: ['0.0.0.0/8'], // "this network"; Linux connects 0.0.0.0 to the local host
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  cgnat: ['100.64.0.0/10'],
  loopback: ['127.0.0.0/8'],
  'link-local': ['169.254.0.0/16'], // includes cloud metadata endpoints (169.254.169.254)
  reserved: [
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.88.99.0/24',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '240.0.0.0/4', // includes 255.255.255.255
  ],
  multicast: ['224.0.0.0/4'],
};

const IPV6_RANGES: Readonly<Partial<Record<Range, readonly string[]>>> = {
  unspecified: ['::/128'],
  loopback: ['::1/128'],
  reserved: [
    '2001::/23', // IETF protocol assignments, Teredo among them
    '2001:db8::/32',
    '3fff::/20',
    'fec0::/10', // the former site-local
  ],
  'unique-local': ['fc00::/7'],
  'link-local': ['fe80::/10'],
  multicast: ['ff00::/8'],
};

function rangeList<T extends ipaddr.IPv4 | ipaddr.IPv6>(
  table: Readonly<Partial<Record<Range, readonly string[]>>>,
  parse: (cidr: string) => [T, number],
): Record<string, Array<[T, number]>> {
  return Object.fromEntries(Object.entries(table).map(([kind, cidrs]) => [kind, cidrs!.map(parse)]));
}

const V4 = rangeList(IPV4_RANGES, (cidr) => ipaddr.IPv4.parseCIDR(cidr));
const V6 = rangeList(IPV6_RANGES, (cidr) => ipaddr.IPv6.parseCIDR(cidr));
/** Prefixes that carry an IPv4 host in their last 32 bits: IPv4-mapped and the NAT64 well-known prefix. */
const V4_IN_LOW_BITS = [ipaddr.IPv6.parseCIDR('::ffff:0:0/96'), ipaddr.IPv6.parseCIDR('64:ff9b::/96')];
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16');
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/** ipaddr.js 1.9 reads a dotted IPv4 tail only after `::ffff:`: `64:ff9b::10.0.0.1` is written as hex groups first. */
function parseV6(address: string): ipaddr.IPv6 {
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (!tail) return ipaddr.IPv6.parse(address);
  const [a, b, c, d] = ipaddr.IPv4.parse(tail[1]!).octets as [number, number, number, number];
  return ipaddr.IPv6.parse(
    `${address.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`,
  );
}

function classifyV4(ip: ipaddr.IPv4): AddressClass {
  return ipaddr.subnetMatch(ip, V4, 'public') as AddressClass;
}

function classifyV6(ip: ipaddr.IPv6): AddressClass {
  const bytes = ip.toByteArray();
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach an IPv4 host: judge that host.
  if (V4_IN_LOW_BITS.some((prefix) => ip.match(prefix))) return classifyV4(new ipaddr.IPv4(bytes.slice(12, 16)));
  // 6to4 (2002:aabb:ccdd::/48) tunnels to the IPv4 address in bits 16–47.
  if (ip.match(SIX_TO_FOUR)) return classifyV4(new ipaddr.IPv4(bytes.slice(2, 6)));
  const kind = ipaddr.subnetMatch(ip, V6, 'public') as AddressClass;
  // Global unicast is 2000::/3; the rest (IPv4-compatible, discard-only, local NAT64…) is not a web server.
  if (kind === 'public' && !ip.match(GLOBAL_UNICAST)) return 'reserved';
  return kind;
}

/** Classifies an IPv4 or IPv6 literal (IPv4-mapped IPv6 is judged by its IPv4 address). */
export function classifyAddress(ip: string): AddressClass {
  // A zone id (fe80::1%eth0) says nothing about the address. net.isIP first: ipaddr.js also reads
  // forms no resolver hands back (`127.1`, `0x7f.0.0.1`), which stay « invalid » as before.
  const address = stripBrackets(ip.trim()).split('%')[0]!;
  switch (net.isIP(address)) {
    case 4:
      return classifyV4(ipaddr.IPv4.parse(address));
    case 6:
      return classifyV6(parseV6(address));
    default:
      return 'invalid';
  }
}

/* ------------------------------------------------------------------------ */
/* Connect-time check                                                       */
/* ------------------------------------------------------------------------ */

export class AddressRefusedError extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';
  constructor(readonly addressClass: AddressClass) {
    super(`webhook address refused (${addressClass})`);
    this.name = 'AddressRefusedError';
  }
}

/** The resolver that `guardedLookup` wraps: `dns.lookup` with `all: true`. */
export type AllAddressesResolver = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for `net.connect` that resolves, then refuses when any answer is
 * not public. The socket connects to the very addresses checked here, so a
 * second DNS answer (rebinding) never comes into play.
 */
export function guardedLookup(resolve: AllAddressesResolver = dns.lookup): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : '');
      if (!addresses?.length) {
        const notFound: NodeJS.ErrnoException = new Error('no address');
        notFound.code = 'ENOTFOUND';
        return callback(notFound, options.all ? [] : '');
      }
      for (const { address } of addresses) {
        const kind = classifyAddress(address);
        if (kind !== 'public') return callback(new AddressRefusedError(kind), options.all ? [] : '');
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
