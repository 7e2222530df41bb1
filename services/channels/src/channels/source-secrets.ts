import type { ChannelSource } from '@castline/db';
import { checkSourceUrl, hasSourceSecrets, maskSourceUrl, mergeMaskedUrl, type SourceScheme } from '@castline/ffmpeg';
import { Logger } from '@nestjs/common';
import { AppError, resealStale, type ResealResult, SecretBox } from '@castline/platform';

/** A source as stored: the masked URL, the sealed full URL when it has secrets, its label. */
export interface StoredSource {
  url: string;
  secretUrl: string | null;
  label: string;
}

/**
 * Seals and opens channel source URLs. The API only ever sees `url` (secrets as ***); the worker opens
 * `secretUrl` right before FFmpeg needs it.
 */
export class SourceSecrets {
  private readonly box: SecretBox;
  private readonly logger = new Logger(SourceSecrets.name);

  constructor(key: string) {
    this.box = new SecretBox(key);
  }

  /** The full URL of a stored source. */
  reveal(source: Pick<ChannelSource, 'url' | 'secretUrl'>): string {
    return source.secretUrl ? this.box.open(source.secretUrl) : source.url;
  }

  /**
   * Checks and seals the sources of a create or update body. `current` are the channel's stored sources:
   * a part the body leaves masked keeps the stored secret of the source at the same position.
   */
  prepare(
    sources: Array<{ url: string; label: string }>,
    allowedSchemes: readonly SourceScheme[],
    current: ReadonlyArray<Pick<ChannelSource, 'url' | 'secretUrl'>> = [],
  ): Array<StoredSource & { fullUrl: string }> {
    return sources.map((source, index) => {
      const which = index === 0 ? 'primary source' : `backup source ${index}`;
      const refuse = (reason: string) =>
        AppError.badRequest(`sources[${index}] (${which}): ${reason}`, { fields: [{ path: `sources.${index}.url`, message: reason }] });
      const stored = current[index];
      const merged = mergeMaskedUrl(source.url, stored ? this.reveal(stored) : undefined);
      if (!merged.ok) throw refuse(merged.reason);
      const verdict = checkSourceUrl(merged.url, allowedSchemes);
      if (!verdict.ok) throw refuse(verdict.reason);
      const secret = hasSourceSecrets(merged.url);
      return {
        url: maskSourceUrl(merged.url),
        secretUrl: secret ? this.box.seal(merged.url) : null,
        label: source.label,
        fullUrl: merged.url,
      };
    });
  }

  /** A source stored before secrets were sealed: its masked and sealed columns, or undefined when it has no secret. */
  sealLegacy(source: Pick<ChannelSource, 'url' | 'secretUrl'>): Pick<StoredSource, 'url' | 'secretUrl'> | undefined {
    if (source.secretUrl || !hasSourceSecrets(source.url)) return undefined;
    return { url: maskSourceUrl(source.url), secretUrl: this.box.seal(source.url) };
  }

  /**
   * Writes the sealed URLs of an older format back under the current key (no AAD, as `prepare` seals them);
   * `write` must only replace a value the row still holds.
   */
  resealStale(rows: ReadonlyArray<{ id: string; secretUrl: string }>, write: (id: string, from: string, to: string) => Promise<boolean>): Promise<ResealResult> {
    return resealStale(this.box, rows.map((row) => ({ id: row.id, sealed: row.secretUrl })), {
      aad: () => '',
      write: (row, next) => write(row.id, row.sealed, next),
      logger: this.logger,
      what: 'channel_sources.secret_url',
    });
  }
}
