import { writeFileSync } from 'node:fs';

/**
 * A tiny MaxMind DB (.mmdb) writer for tests (format 2.0, https://maxmind.github.io/MaxMind-DB/): an IPv4
 * search tree with 24-bit records, the data section and the metadata. Enough for a City or ASN database of a
 * few networks that `maxmind` (the traffic-logger's reader) reads like GeoLite2; no npm writer is MIT and small.
 */
export type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** IPv4 CIDR, e.g. 81.2.69.0/24. */
  network: string;
  data: { [key: string]: MmdbValue };
}

const RECORD_BITS = 24;
const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')]);

function control(type: number, size: number): Buffer {
  const head: number[] = [];
  let sizeBits: number;
  let extra: Buffer = Buffer.alloc(0);
  if (size < 29) sizeBits = size;
  else if (size < 285) [sizeBits, extra] = [29, Buffer.from([size - 29])];
  else if (size < 65_821) {
    sizeBits = 30;
    extra = Buffer.alloc(2);
    extra.writeUInt16BE(size - 285);
  } else {
    sizeBits = 31;
    extra = Buffer.alloc(3);
    extra.writeUIntBE(size - 65_821, 0, 3);
  }
  if (type <= 7) head.push((type << 5) | sizeBits);
  else head.push(sizeBits, type - 7);
  return Buffer.concat([Buffer.from(head), extra]);
}

const unsigned = (type: number, value: number | bigint): Buffer => {
  const bytes: number[] = [];
  for (let rest = BigInt(value); rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
};

/** Encodes a value: strings, unsigned integers (uint32, uint64 above), doubles, booleans, arrays and maps. */
export function encodeMmdbValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return control(14, value ? 1 : 0);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return value <= 0xffff_ffff ? unsigned(6, value) : unsigned(9, value);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encodeMmdbValue)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([key, item]) => [encodeMmdbValue(key), encodeMmdbValue(item)])]);
}

function parseNetwork(network: string): { bits: number[]; prefix: number } {
  const [address, length] = network.split('/');
  const octets = address!.split('.').map(Number);
  const prefix = Number(length ?? 32);
  if (octets.length !== 4 || octets.some((octet) => !(octet >= 0 && octet <= 255)) || !(prefix >= 1 && prefix <= 32)) {
    throw new Error(`not an IPv4 network: ${network}`);
  }
  const bits = octets.flatMap((octet) => Array.from({ length: 8 }, (_, index) => (octet >> (7 - index)) & 1));
  return { bits: bits.slice(0, prefix), prefix };
}

type Slot = { node: number } | { data: number } | null;

/** The .mmdb bytes of these networks (IPv4 only; networks must not nest). */
export function buildMmdb(options: { databaseType: string; networks: MmdbNetwork[]; description?: string }): Buffer {
  const nodes: Array<[Slot, Slot]> = [[null, null]];
  const data: Buffer[] = [];
  let dataSize = 0;
  for (const { network, data: record } of options.networks) {
    const encoded = encodeMmdbValue(record);
    const offset = dataSize;
    data.push(encoded);
    dataSize += encoded.length;
    const { bits } = parseNetwork(network);
    let node = 0;
    bits.forEach((bit, depth) => {
      const slot = nodes[node]![bit]!;
      if (depth === bits.length - 1) {
        if (slot) throw new Error(`${network} overlaps another network`);
        nodes[node]![bit] = { data: offset };
        return;
      }
      if (slot && 'data' in slot) throw new Error(`${network} overlaps another network`);
      if (!slot) {
        nodes.push([null, null]);
        nodes[node]![bit] = { node: nodes.length - 1 };
      }
      node = (nodes[node]![bit] as { node: number }).node;
    });
  }
  const nodeCount = nodes.length;
  const record = (slot: Slot) => (slot === null ? nodeCount : 'node' in slot ? slot.node : nodeCount + 16 + slot.data);
  const tree = Buffer.alloc(nodeCount * ((RECORD_BITS * 2) / 8));
  nodes.forEach(([left, right], index) => {
    tree.writeUIntBE(record(left), index * 6, 3);
    tree.writeUIntBE(record(right), index * 6 + 3, 3);
  });
  const metadata = encodeMmdbValue({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: Math.floor(Date.now() / 1000),
    database_type: options.databaseType,
    description: { en: options.description ?? `Castline test ${options.databaseType}` },
    ip_version: 4,
    languages: ['en'],
    node_count: nodeCount,
    record_size: RECORD_BITS,
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, METADATA_MARKER, metadata]);
}

export interface TestCity {
  network: string;
  country: string;
  city?: string;
}

/** A GeoLite2-City-shaped database of these networks (country iso_code, English city name). */
export function writeTestCityMmdb(file: string, cities: TestCity[]): void {
  const networks = cities.map(({ network, country, city }) => ({
    network,
    data: {
      country: { iso_code: country, names: { en: country } },
      ...(city ? { city: { names: { en: city } } } : {}),
    },
  }));
  writeFileSync(file, buildMmdb({ databaseType: 'GeoLite2-City', networks }));
}

/** A GeoLite2-ASN-shaped database of these networks. */
export function writeTestAsnMmdb(file: string, networks: Array<{ network: string; asn: number; organization: string }>): void {
  writeFileSync(
    file,
    buildMmdb({
      databaseType: 'GeoLite2-ASN',
      networks: networks.map(({ network, asn, organization }) => ({
        network,
        data: { autonomous_system_number: asn, autonomous_system_organization: organization },
      })),
    }),
  );
}
