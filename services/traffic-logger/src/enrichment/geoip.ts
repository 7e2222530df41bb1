import { existsSync } from 'node:fs';
import { open, validate } from 'maxmind';

/** Any .mmdb reader: records are read through GeoRecord, whatever the database type. */
interface MmdbReader {
  get(ip: string): unknown;
}

export interface GeoResult {
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  city: string | null;
  asn: number | null;
}

export const NO_GEO: GeoResult = { country: null, city: null, asn: null };

/** What GeoIP databases look like: MaxMind GeoIP2/GeoLite2 City/Country/ASN, and ip-location-db's country files. */
interface GeoRecord {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  city?: { names?: Record<string, string> };
  country_code?: string;
  autonomous_system_number?: number;
  asn?: number | string;
}

/**
 * GeoIP lookups through `maxmind` (MIT; reads any .mmdb): a city (or country) database and an optional ASN
 * database. A missing file is not an error: geo stays null and `loaded` says which are missing (health).
 */
export class GeoIp {
  private constructor(
    private readonly city: MmdbReader | null,
    private readonly asn: MmdbReader | null,
    readonly missing: string[],
  ) {}

  static async open(paths: { cityDb?: string | undefined; asnDb?: string | undefined }): Promise<GeoIp> {
    const missing: string[] = [];
    const load = async (file: string | undefined, name: string): Promise<MmdbReader | null> => {
      if (!file || !existsSync(file)) {
        missing.push(name);
        return null;
      }
      return open(file);
    };
    return new GeoIp(await load(paths.cityDb, 'city'), await load(paths.asnDb, 'asn'), missing);
  }

  lookup(ip: string): GeoResult {
    if (!validate(ip)) return NO_GEO;
    const place = (this.city?.get(ip) ?? null) as GeoRecord | null;
    const network = (this.asn?.get(ip) ?? null) as GeoRecord | null;
    const asn = network?.autonomous_system_number ?? place?.autonomous_system_number ?? (network?.asn !== undefined ? Number(network.asn) : null);
    return {
      country: place?.country?.iso_code ?? place?.country_code ?? place?.registered_country?.iso_code ?? null,
      city: place?.city?.names?.en ?? null,
      asn: Number.isFinite(asn) ? asn : null,
    };
  }
}
