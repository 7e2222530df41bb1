import { type ErrorCode, ErrorCodes } from '@castline/contracts';
import type { ChannelSource } from '@castline/db';
import { checkSourceOptions, checkSourceUrl, type SourceScheme, sourceHost } from '@castline/ffmpeg';
import { AppError, type HostResolver, NetworkGuard } from '@castline/platform';
import { HttpStatus } from '@nestjs/common';
import type { ChannelsConfig } from '../config';
import { SourceSecrets, type StoredSource } from './source-secrets';

type PolicyConfig = Pick<ChannelsConfig, 'SOURCE_SCHEMES' | 'SOURCE_SECRET_KEY' | 'SOURCE_ALLOWED_NETWORKS' | 'SOURCE_ALLOW_LISTENER'>;

/** Nest token of the HostResolver the policy uses (DNS; tests give their own to change answers). */
export const SOURCE_RESOLVER = Symbol('SOURCE_RESOLVER');

const which = (index: number) => (index === 0 ? 'primary source' : `backup source ${index}`);

function refusal(code: ErrorCode, index: number, reason: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError(code, `sources[${index}] (${which(index)}): ${reason}`, HttpStatus.BAD_REQUEST, {
    ...extra,
    fields: [{ path: `sources.${index}.url`, message: reason }],
  });
}

/**
 * Everything a source URL must pass, at create/update and again before every start: the URL policy
 * (schemes, shape), the per-protocol FFmpeg option allow-list, and the network guard on its host (resolved
 * each time, so a DNS answer changed since the create is caught). Secrets are sealed on the way in.
 */
export class SourcePolicy {
  readonly secrets: SourceSecrets;
  private readonly guard: NetworkGuard;

  constructor(
    private readonly config: PolicyConfig,
    resolver?: HostResolver,
  ) {
    this.secrets = new SourceSecrets(config.SOURCE_SECRET_KEY);
    this.guard = new NetworkGuard(config.SOURCE_ALLOWED_NETWORKS, resolver);
  }

  /** Checks and seals a create/update body's sources; `current` supplies the secrets left masked. */
  async prepare(
    sources: Array<{ url: string; label: string }>,
    current: ReadonlyArray<Pick<ChannelSource, 'url' | 'secretUrl'>> = [],
  ): Promise<StoredSource[]> {
    const prepared = this.secrets.prepare(sources, this.config.SOURCE_SCHEMES, current);
    for (const [index, source] of prepared.entries()) await this.checkUrl(source.fullUrl, index);
    return prepared.map(({ url, secretUrl, label }) => ({ url, secretUrl, label }));
  }

  /** Before a start: every stored source must still pass (its host is resolved again). */
  async checkStored(sources: ReadonlyArray<Pick<ChannelSource, 'url' | 'secretUrl'>>): Promise<void> {
    for (const [index, source] of sources.entries()) await this.checkUrl(this.secrets.reveal(source), index);
  }

  /** The problem with a full URL, or undefined; for the worker, which cannot throw HTTP errors. */
  async problemWith(url: string): Promise<string | undefined> {
    try {
      await this.checkUrl(url, 0);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private async checkUrl(url: string, index: number): Promise<void> {
    const verdict = checkSourceUrl(url, this.config.SOURCE_SCHEMES);
    if (!verdict.ok) throw refusal(ErrorCodes.validationFailed, index, verdict.reason);
    const scheme: SourceScheme = verdict.scheme;
    const options = checkSourceOptions(url, scheme, { allowListener: this.config.SOURCE_ALLOW_LISTENER });
    if (!options.ok) throw refusal(ErrorCodes.sourceOptionRefused, index, options.reason, { option: options.option });
    const host = await this.guard.checkHost(sourceHost(url), scheme);
    if (!host.ok) throw refusal(host.code as ErrorCode, index, host.reason);
  }
}
