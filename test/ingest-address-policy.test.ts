import { describe, expect, it } from 'vitest';
import { checkAddress, normalizeAddress } from '../src/engine/ingest/address-policy.js';

// Pure checks: no traffic is sent anywhere.
const refused: [address: string, range: string][] = [
  ['10.0.0.1', 'private'],
  ['172.16.5.4', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['169.254.169.254', 'linkLocal'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['255.255.255.255', 'broadcast'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['192.0.2.10', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456::1', 'uniqueLocal'],
  ['fe80::1', 'linkLocal'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  // IPv6 forms carrying an IPv4 address are judged by that IPv4 address.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'linkLocal'],
  ['::ffff:0:192.168.0.1', 'private'],
  ['::127.0.0.1', 'loopback'],
  ['::2', 'unspecified'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'linkLocal'],
  ['64:ff9b:1::1', 'rfc6052'],
  ['2002:7f00:1::1', '6to4'],
  ['2001:0:4136:e378::1', 'teredo'],
  ['fe80::1%eth0', 'zoned'],
  ['[::1]', 'loopback'],
  ['not-an-ip', 'invalid'],
  ['', 'invalid'],
];

const allowed: [address: string, canonical: string][] = [
  ['8.8.8.8', '8.8.8.8'],
  ['1.1.1.1', '1.1.1.1'],
  ['93.184.216.34', '93.184.216.34'],
  ['172.32.0.1', '172.32.0.1'],
  ['100.128.0.1', '100.128.0.1'],
  ['2606:4700::1111', '2606:4700::1111'],
  ['2001:4860:4860::8888', '2001:4860:4860::8888'],
  ['::ffff:8.8.8.8', '8.8.8.8'],
  ['64:ff9b::808:808', '8.8.8.8'],
];

describe('checkAddress', () => {
  it.each(refused)('refuses %s (%s)', (address, range) => {
    const verdict = checkAddress(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.range).toBe(range);
  });

  it.each(allowed)('allows public %s', (address, canonical) => {
    expect(checkAddress(address)).toEqual({ allowed: true, address: canonical });
  });
});

describe('normalizeAddress', () => {
  it('shows IPv4-mapped IPv6 as IPv4 and expands IPv6', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('[::1]')).toBe('0:0:0:0:0:0:0:1');
    expect(normalizeAddress('example.org')).toBeNull();
  });
});
