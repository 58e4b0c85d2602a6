import { describe, expect, it } from 'vitest';
import { CheckedCallbackTargets, addressRange } from '../../adapters/webhooks/index.js';

/** A resolver that answers from a table, as a DNS server under someone else's control would. */
const table = (entries: Record<string, string[]>) => async (hostname: string) => {
  const addresses = entries[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('callback targets: which callback URLs dtq calls', () => {
  const targets = new CheckedCallbackTargets({
    resolveHost: table({
      'hooks.example.com': ['93.184.216.34'],
      'inside.example.com': ['10.1.2.3'],
      'mixed.example.com': ['93.184.216.34', '192.168.1.10'],
      'mapped.example.com': ['::ffff:127.0.0.1'],
      'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
    }),
  });

  it.each([
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://10.0.0.5/', 'private'],
    ['http://172.16.9.1/', 'private'],
    ['http://192.168.0.1/', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::1]/', 'loopback'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fd00::1]/', 'unique-local'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[::]/', 'unspecified'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[::ffff:169.254.169.254]/', 'link-local'],
  ])('refuses %s, a %s address', async (url, words) => {
    const target = await targets.resolve(url);
    expect(target.ok).toBe(false);
    expect(!target.ok && target.problem).toContain(`a ${words} address dtq does not call`);
  });

  it('refuses a host whose name resolves to a private address, naming both', async () => {
    const target = await targets.resolve('https://inside.example.com/hook');
    expect(target).toEqual({ ok: false, problem: expect.stringContaining('names host inside.example.com, which resolves to 10.1.2.3, a private address') });
  });

  it('refuses a host when any one of its addresses is private, and an IPv4-mapped loopback', async () => {
    expect((await targets.resolve('https://mixed.example.com/')).ok).toBe(false);
    const mapped = await targets.resolve('https://mapped.example.com/');
    expect(!mapped.ok && mapped.problem).toContain('a loopback address');
  });

  it('refuses a host that does not resolve, in dtq\'s words', async () => {
    const target = await targets.resolve('https://nowhere.example.com/');
    expect(target).toEqual({ ok: false, problem: 'names host nowhere.example.com, which could not be resolved (ENOTFOUND)' });
  });

  it('accepts public hosts and gives the checked address to connect to', async () => {
    expect(await targets.resolve('https://hooks.example.com/dtq?x=1')).toMatchObject({ ok: true, address: '93.184.216.34', family: 4 });
    expect(await targets.resolve('https://v6.example.com/')).toMatchObject({ ok: true, family: 6 });
    expect(await targets.resolve('http://93.184.216.34/')).toMatchObject({ ok: true, address: '93.184.216.34' });
  });

  it('with CALLBACK_ALLOWED_HOSTS, calls only the listed hosts, and a listed host may be private', async () => {
    const listed = new CheckedCallbackTargets({ allowedHosts: ['127.0.0.1', 'Inside.Example.com', '[::1]'], resolveHost: table({ 'inside.example.com': ['10.1.2.3'] }) });
    expect(await listed.resolve('http://127.0.0.1:9/x')).toMatchObject({ ok: true, address: '127.0.0.1' });
    expect(await listed.resolve('http://inside.example.com/')).toMatchObject({ ok: true, address: '10.1.2.3' });
    expect(await listed.resolve('http://[::1]:80/')).toMatchObject({ ok: true, address: '::1', family: 6 });
    const other = await listed.resolve('https://hooks.example.com/');
    expect(!other.ok && other.problem).toBe('names host hooks.example.com, which is not one of the hosts this deployment calls back (CALLBACK_ALLOWED_HOSTS)');
  });

  it('judges an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(addressRange('::ffff:192.168.0.1')).toBe('private');
    expect(addressRange('::ffff:8.8.8.8')).toBe('unicast');
  });
});
