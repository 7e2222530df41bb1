import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Server-side request forgery guard: may the platform open a connection to this host? Used for channel
 * sources (at create/update and again right before every start, so a DNS answer that changes in between
 * is caught) and meant for health checks and webhooks as well.
 *
 * Refused unless an allowed network (`SOURCE_ALLOWED_NETWORKS`-style CIDR list) contains the address:
 * loopback, link-local (cloud metadata at 169.254.169.254), private, CGNAT (100.64/10, also a metadata
 * range), unique-local IPv6, unspecified, broadcast, reserved, IPv4-mapped IPv6 and every other special
 * range. Plain unicast and multicast (IPTV sources join groups) pass. Numeric host spellings that are not a
 * canonical dotted quad (`0x7f000001`, `2130706433`, `0177.0.0.1`, `127.1`) are refused outright: they exist
 * to slip past filters.
 */

export type HostResolver = (host: string) => Promise<string[]>;

export const dnsResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export type HostCheck = { ok: true; addresses: string[] } | { ok: false; code: string; reason: string };

const OPEN_RANGES = new Set(['unicast', 'multicast']);
const CANONICAL_IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const NUMERIC_HOST = /^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+))*\.?$/i;

/** An allowed network: a CIDR, optionally only for one label (a URL scheme): `udp:127.0.0.1/32`. */
interface AllowedNetwork {
  label: string | undefined;
  range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  text: string;
}

/** Parses a comma-separated CIDR list; throws naming the first bad entry. */
export function parseAllowedNetworks(list: string | undefined): AllowedNetwork[] {
  return splitList(list).map(parseNetwork);
}

const splitList = (list: string | undefined) => (list ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
const HOST_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

/**
 * Parses a comma-separated list of CIDRs and host names (`10.0.0.0/8, status.internal`), as
 * ALERTS_ALLOWED_TARGETS takes it: a named host is allowed whatever it resolves to.
 */
export function parseAllowedTargets(list: string | undefined): { networks: AllowedNetwork[]; hosts: Set<string> } {
  const entries = splitList(list);
  const isHost = (text: string) => HOST_NAME.test(text) && !NUMERIC_HOST.test(text);
  return {
    networks: entries.filter((text) => !isHost(text)).map(parseNetwork),
    hosts: new Set(entries.filter(isHost).map((text) => text.toLowerCase().replace(/\.$/, ''))),
  };
}

function parseNetwork(text: string): AllowedNetwork {
  const labelled = /^([a-z][a-z0-9+.-]*):(\d.*|\[.*|.*\/.*)$/i.exec(text);
  const label = labelled && !/^[0-9a-f]{1,4}$/i.test(labelled[1] ?? '') ? labelled[1]?.toLowerCase() : undefined;
  const cidr = label ? (labelled?.[2] ?? '') : text;
  try {
    const range = cidr.includes('/') ? ipaddr.parseCIDR(cidr.replace(/^\[|\]$/g, '')) : ([ipaddr.parse(cidr), ipaddr.parse(cidr).kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number]);
    return { label, range, text };
  } catch {
    throw new Error(`"${text}" is not a CIDR (like 10.20.0.0/16, fd00::/8 or udp:127.0.0.1/32)`);
  }
}

export interface NetworkGuardOptions {
  /** The variable named in refusals ("add its network to ..."). Default SOURCE_ALLOWED_NETWORKS. */
  variable?: string;
  /** Read the allow-list as CIDRs and host names (parseAllowedTargets), not CIDRs only. */
  hostNames?: boolean;
  /** Refuse multicast too (health checks and webhooks never talk to a group; IPTV sources do). */
  unicastOnly?: boolean;
}

export class NetworkGuard {
  private readonly allowed: AllowedNetwork[];
  private readonly allowedHosts: Set<string>;
  private readonly variable: string;
  private readonly openRanges: Set<string>;

  constructor(
    allowedNetworks: string | undefined,
    private readonly resolver: HostResolver = dnsResolver,
    options: NetworkGuardOptions = {},
  ) {
    const parsed = options.hostNames ? parseAllowedTargets(allowedNetworks) : { networks: parseAllowedNetworks(allowedNetworks), hosts: new Set<string>() };
    this.allowed = parsed.networks;
    this.allowedHosts = parsed.hosts;
    this.variable = options.variable ?? 'SOURCE_ALLOWED_NETWORKS';
    this.openRanges = options.unicastOnly ? new Set(['unicast']) : OPEN_RANGES;
  }

  /** Checks a host (name, IPv4, or IPv6 with or without brackets) for a connection of the given label (scheme). */
  async checkHost(rawHost: string, label?: string): Promise<HostCheck> {
    const host = rawHost.replace(/^\[|\]$/g, '');
    let addresses: string[];
    if (ipaddr.IPv6.isValid(host) || CANONICAL_IPV4.test(host)) {
      addresses = [host];
    } else if (NUMERIC_HOST.test(host) || ipaddr.IPv4.isValid(host)) {
      return { ok: false, code: 'SOURCE_HOST_NUMERIC', reason: `"${rawHost}" is a numeric host spelling that is not a plain IP address (write it as a dotted quad)` };
    } else {
      try {
        addresses = await this.resolver(host);
      } catch {
        addresses = [];
      }
      if (addresses.length === 0) return { ok: false, code: 'SOURCE_HOST_UNRESOLVED', reason: `"${rawHost}" does not resolve to an address` };
      if (this.allowedHosts.has(host.toLowerCase().replace(/\.$/, ''))) return { ok: true, addresses };
    }
    for (const address of addresses) {
      const problem = this.problemWith(address, label);
      if (problem) return { ok: false, code: 'SOURCE_ADDRESS_REFUSED', reason: `"${rawHost}" ${address === host ? 'is' : `resolves to ${address}, which is`} ${problem}` };
    }
    return { ok: true, addresses };
  }

  private problemWith(text: string, label: string | undefined): string | undefined {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      address = ipaddr.parse(text);
    } catch {
      return 'not an IP address';
    }
    const candidates: Array<ipaddr.IPv4 | ipaddr.IPv6> = [address];
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) candidates.push((address as ipaddr.IPv6).toIPv4Address());
    const allowed = this.allowed.some(
      (network) =>
        (network.label === undefined || network.label === label) &&
        candidates.some((candidate) => candidate.kind() === network.range[0].kind() && candidate.match(network.range)),
    );
    if (allowed) return undefined;
    const range = address.range();
    if (this.openRanges.has(range)) return undefined;
    return `a ${range} address; add its network to ${this.variable} to allow it`;
  }
}
