import type { LookupAddress } from 'node:dns';
import { Webhook } from 'standardwebhooks';
import {
  AddressRefusedError,
  classifyAddress,
  guardedLookup,
  isAllowedHost,
  newWebhookSecret,
  parseAllowHosts,
  sendWebhook,
  signWebhook,
  type AllAddressesResolver,
} from './webhook';

describe('classifyAddress', () => {
  it.each([
    ['93.184.215.14', 'public'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
  ])('IPv4 %s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each([
    ['2606:4700:4700::1111', 'public'],
    ['2a01:e0a:1:2::3', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'], // Teredo
    ['100::1', 'reserved'], // discard-only
    ['::127.0.0.1', 'reserved'], // IPv4-compatible, deprecated
    ['fec0::1', 'reserved'],
  ])('IPv6 %s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:100.64.1.1', 'cgnat'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:c0a8:0101::1', 'private'], // 6to4 around 192.168.1.1
    ['2002:0808:0808::1', 'public'],
  ])('judges %s by the IPv4 address it carries (%s)', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each([
    // The edges of the ranges an attacker aims at, in every spelling a resolver may hand back.
    ['0.255.255.255', 'unspecified'],
    ['1.0.0.0', 'public'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['::FFFF:127.0.0.1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['169.254.0.0', 'link-local'],
    ['169.255.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.64.0.0', 'cgnat'],
    ['::ffff:100.127.255.255', 'cgnat'],
    ['fc00::', 'unique-local'],
    ['FDFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', 'unique-local'],
    ['fbff:ffff::1', 'reserved'], // just below fc00::/7: outside global unicast
    ['fe00::1', 'reserved'],
    ['64:ff9b::a9fe:a9fe', 'link-local'], // NAT64 to the metadata endpoint, in hex
    ['2002:a9fe:a9fe::1', 'link-local'], // 6to4 to the metadata endpoint
    ['2001:db8:ffff::1', 'reserved'],
    ['3fff:fff::1', 'reserved'],
    ['3fff:1000::1', 'public'],
  ])('classifies the range edge %s as %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it('says invalid for what is not an IP', () => {
    expect(classifyAddress('example.org')).toBe('invalid');
    expect(classifyAddress('999.1.1.1')).toBe('invalid');
    expect(classifyAddress('')).toBe('invalid');
    // Shorthands some parsers accept and no resolver returns.
    expect(classifyAddress('127.1')).toBe('invalid');
    expect(classifyAddress('0x7f.0.0.1')).toBe('invalid');
    expect(classifyAddress('2130706433')).toBe('invalid');
  });
});

describe('guardedLookup', () => {
  const resolver =
    (addresses: LookupAddress[]): AllAddressesResolver =>
    (_host, _options, callback) =>
      callback(null, addresses);

  function lookup(addresses: LookupAddress[], all: boolean) {
    return new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
      guardedLookup(resolver(addresses))('hooks.example.org', { all }, (error, address, family) =>
        resolve({ error, address, family }),
      ),
    );
  }

  it('passes public answers through, in both callback shapes', async () => {
    const answers = [
      { address: '93.184.215.14', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ];
    await expect(lookup(answers, true)).resolves.toEqual({ error: null, address: answers, family: undefined });
    await expect(lookup(answers, false)).resolves.toEqual({ error: null, address: '93.184.215.14', family: 4 });
  });

  it('refuses when any answer is not public (a rebinding name)', async () => {
    const { error } = await lookup(
      [
        { address: '93.184.215.14', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
      true,
    );
    expect(error).toBeInstanceOf(AddressRefusedError);
    expect((error as AddressRefusedError).addressClass).toBe('loopback');
    const mapped = await lookup([{ address: '::ffff:169.254.169.254', family: 6 }], false);
    expect((mapped.error as AddressRefusedError).addressClass).toBe('link-local');
  });

  it('reports an empty answer as not found', async () => {
    const { error } = await lookup([], false);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });
});

describe('allowed hosts', () => {
  it('parses WEBHOOK_ALLOW_HOSTS', () => {
    expect(parseAllowHosts(' localhost:4000, 10.0.0.5 [::1]:8080 ')).toEqual([
      'localhost:4000',
      '10.0.0.5',
      '[::1]:8080',
    ]);
    expect(parseAllowHosts(undefined)).toEqual([]);
  });

  it('matches a host, with or without a port', () => {
    expect(isAllowedHost('localhost', 4000, ['LocalHost'])).toBe(true);
    expect(isAllowedHost('localhost', 4000, ['localhost:4000'])).toBe(true);
    expect(isAllowedHost('localhost', 4001, ['localhost:4000'])).toBe(false);
    expect(isAllowedHost('127.0.0.1', 80, ['127.0.0.1'])).toBe(true);
    expect(isAllowedHost('::1', 8080, ['[::1]:8080'])).toBe(true);
    expect(isAllowedHost('::1', 8080, ['0:0:0:0:0:0:0:1'])).toBe(true);
    expect(isAllowedHost('::1', 8081, ['[::1]:8080'])).toBe(false);
    expect(isAllowedHost('evil.localhost', 80, ['localhost'])).toBe(false);
    expect(isAllowedHost('localhost', 80, [])).toBe(false);
  });
});

describe('signing', () => {
  it('makes secrets in the Standard Webhooks format', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('signs what Webhook.verify accepts', () => {
    const secret = newWebhookSecret();
    const payload = { type: 'submission.status_changed', data: { reference: 'GUI-2025-000042', to: 'accepté' } };
    const { body, headers } = signWebhook(secret, { id: 'msg_1', timestamp: new Date(), payload });
    expect(new Webhook(secret).verify(body, headers)).toEqual(payload);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });
});

describe('sendWebhook refuses before connecting', () => {
  const target = (url: string) => ({ url, secret: newWebhookSecret() });
  const message = { id: 'msg_1', timestamp: new Date(), payload: { ok: 1 } };
  const policy = { allowHosts: [], requireHttps: true };

  it.each([
    ['not a url', 'invalid URL'],
    ['ftp://example.org/hook', 'unsupported URL scheme'],
    ['http://example.org/hook', 'HTTPS required'],
    ['https://127.0.0.1/hook', 'address refused (loopback)'],
    ['https://[::ffff:10.0.0.1]/hook', 'address refused (private)'],
    ['https://2130706433/hook', 'address refused (loopback)'],
    ['https://169.254.169.254/latest/meta-data', 'address refused (link-local)'],
  ])('%s → %s, not retried', async (url, reason) => {
    await expect(sendWebhook(target(url), message, policy)).resolves.toEqual({ ok: false, retry: false, reason });
  });

  it('refuses a message id that cannot be a header', async () => {
    await expect(
      sendWebhook(target('https://example.org/'), { ...message, id: 'a\r\nx-injected: 1' }, policy),
    ).resolves.toEqual({ ok: false, retry: false, reason: 'invalid message id' });
  });

  it('refuses a bad secret or a payload JSON cannot carry, without throwing', async () => {
    await expect(sendWebhook({ url: 'https://example.org/', secret: '' }, message, policy)).resolves.toMatchObject({
      ok: false,
      retry: false,
    });
    await expect(
      sendWebhook(target('https://example.org/'), { ...message, payload: { n: 1n } }, policy),
    ).resolves.toMatchObject({ ok: false, retry: false });
  });
});
