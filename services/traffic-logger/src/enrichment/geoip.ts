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

/** A configured database that cannot be used, and why. */
export interface GeoProblem {
  db: 'city' | 'asn';
  reason: string;
}

/**
 * GeoIP lookups through `maxmind` (MIT; reads any .mmdb): a city (or country) database and an optional ASN
 * database. A missing or unreadable file is not an error: geo stays null, `missing` names the databases not
 * loaded and `problems` the configured ones that failed (the service's health is then `degraded`).
 */
export class GeoIp {
  private constructor(
    private readonly city: MmdbReader | null,
    private readonly asn: MmdbReader | null,
    readonly missing: string[],
    readonly problems: GeoProblem[],
  ) {}

  static async open(paths: { cityDb?: string | undefined; asnDb?: string | undefined }): Promise<GeoIp> {
    const missing: string[] = [];
    const problems: GeoProblem[] = [];
    const load = async (file: string | undefined, db: GeoProblem['db']): Promise<MmdbReader | null> => {
      if (file && !existsSync(file)) problems.push({ db, reason: `${file} does not exist` });
      if (!file || !existsSync(file)) {
        missing.push(db);
        return null;
      }
      try {
        // geoipupdate replaces the file in place (profile `geoip`): the reader reloads it, without keeping a test alive.
        return await open(file, { watchForUpdates: true, watchForUpdatesNonPersistent: true });
      } catch (error) {
        missing.push(db);
        problems.push({ db, reason: `${file} cannot be read: ${(error as Error).message}` });
        return null;
      }
    };
    return new GeoIp(await load(paths.cityDb, 'city'), await load(paths.asnDb, 'asn'), missing, problems);
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
