import ipaddr from 'ipaddr.js';
import type { AddressKind } from './ingest-error.js';

/** Verdict on one IP address; `range` names why it is refused (ipaddr.js range names). */
export type AddressVerdict =
  | { allowed: true; address: string }
  | { allowed: false; address: string; range: string };

/**
 * Whether the ingest fetcher may connect to `address` (a literal IPv4/IPv6 address).
 * Only globally routable unicast is allowed: loopback, private, link-local, multicast,
 * unspecified, broadcast, CGNAT, documentation/reserved ranges are refused. IPv6 forms
 * that carry an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64
 * 64:ff9b::/96) are judged by the embedded IPv4, since that is where traffic ends up.
 *
 * @example checkAddress('8.8.8.8') // { allowed: true, address: '8.8.8.8' }
 * @example checkAddress('::ffff:127.0.0.1') // { allowed: false, address: '127.0.0.1', range: 'loopback' }
 */
export function checkAddress(address: string): AddressVerdict {
  const literal = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(literal)) return { allowed: false, address, range: 'invalid' };
  const parsed = ipaddr.parse(literal);
  if (parsed.kind() === 'ipv4') return judgeIPv4(parsed as ipaddr.IPv4);
  return judgeIPv6(parsed as ipaddr.IPv6);
}

export function isAllowedAddress(address: string): boolean {
  return checkAddress(address).allowed;
}

/** Canonical text of an address (IPv4-mapped IPv6 shown as IPv4), for comparisons. */
export function normalizeAddress(address: string): string | null {
  const literal = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(literal)) return null;
  return ipaddr.process(literal).toNormalizedString();
}

function judgeIPv4(ip: ipaddr.IPv4): AddressVerdict {
  const range = ip.range();
  const address = ip.toString();
  return range === 'unicast' ? { allowed: true, address } : { allowed: false, address, range };
}

function judgeIPv6(ip: ipaddr.IPv6): AddressVerdict {
  if (ip.zoneId !== undefined) {
    // A zone id only makes sense for link-scoped addresses.
    return { allowed: false, address: ip.toString(), range: 'zoned' };
  }
  const embedded = embeddedIPv4(ip);
  if (embedded) return judgeIPv4(embedded);
  const range = ip.range();
  const address = ip.toRFC5952String();
  return range === 'unicast' ? { allowed: true, address } : { allowed: false, address, range };
}

/** The IPv4 address an IPv6 address stands for, when it is one of the IPv4-carrying forms. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = ip.parts;
  const fromLow = () => new ipaddr.IPv4([g >> 8, g & 0xff, h >> 8, h & 0xff]);
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (RFC 6145 translated)
  if (a === 0 && b === 0 && c === 0 && d === 0 && ((e === 0 && f === 0xffff) || (e === 0xffff && f === 0))) {
    return fromLow();
  }
  // ::a.b.c.d (deprecated "compatible"); :: and ::1 themselves are judged as IPv6.
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0 && !(g === 0 && h <= 1)) return fromLow();
  // 64:ff9b::a.b.c.d — well-known NAT64 prefix
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return fromLow();
  return null;
}

/**
 * A refused range (ipaddr.js names such as `6to4`, `deprecatedSiteLocal`, `unspecified`) in the
 * few kinds a moderator can understand; every name not listed is a reserved range.
 *
 * @example addressKind('uniqueLocal') // 'private'
 */
export function addressKind(range: string): AddressKind {
  switch (range) {
    case 'loopback':
    case 'unspecified':
      return 'this_machine';
    case 'private':
    case 'uniqueLocal':
    case 'carrierGradeNat':
    case 'deprecatedSiteLocal':
      return 'private';
    case 'linkLocal':
    case 'zoned':
      return 'link_local';
    case 'multicast':
    case 'broadcast':
      return 'multicast';
    default:
      return 'reserved';
  }
}
