import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  type ChannelControl,
  type ChannelHistory,
  type ChannelHistoryRequest,
  type CreateChannel,
  fieldProblem,
  type ListChannels,
  Events,
  type UpdateChannel,
} from '@castline/contracts';
import { Prisma } from '@castline/db';
import { AppError, CONFIG, EventBus } from '@castline/platform';
import type { ChannelsConfig } from '../config';
import { ChannelLeases } from '../live/channel-lease';
import { removeRevokedSignedDirs } from '../live/playback';
import { LiveQueue } from '../live/live-queue';
import { ChannelSchedules } from '../schedules/channel-schedules';
import { checkSchedule } from '../schedules/schedule-check';
import { type ChannelView, toChannelView } from './channel.view';
import { ChannelsRepository } from './channels.repository';
import { SourcePolicy } from './source-policy';

const MAX_SLUG_ATTEMPTS = 50;

/** The columns a create or update body sets besides name and slug. */
type ChannelSettings = Pick<
  Prisma.ChannelUncheckedCreateInput,
  | 'presetId'
  | 'output'
  | 'logoUploadId'
  | 'logoAnchor'
  | 'logoX'
  | 'logoY'
  | 'logoWidth'
  | 'logoHeight'
  | 'logoOpacity'
  | 'hlsSegmentSeconds'
  | 'hlsListSize'
  | 'playback'
  | 'autoRestart'
  | 'schedule'
>;

@Injectable()
export class ChannelsService implements OnApplicationBootstrap {
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly liveQueue: LiveQueue,
    private readonly bus: EventBus,
    private readonly schedules: ChannelSchedules,
    private readonly leases: ChannelLeases,
    private readonly sources: SourcePolicy,
    @Inject(CONFIG) private readonly config: Pick<ChannelsConfig, 'HLS_ROOT'>,
  ) {}

  /**
   * Sources saved before their secrets were sealed get masked and sealed now (once; later boots find none);
   * sealed URLs of an older format are sealed again in the current one.
   */
  async onApplicationBootstrap(): Promise<void> {
    for (const source of await this.channels.unsealedSources()) {
      const sealed = this.sources.secrets.sealLegacy(source);
      if (sealed) await this.channels.replaceSourceUrl(source.id, sealed);
    }
    await this.sources.secrets.resealStale(await this.channels.sealedSources(), (id, from, to) => this.channels.replaceSecretUrl(id, from, to));
  }

  async list(query: ListChannels) {
    const { items, total } = await this.channels.list(query, { skip: (query.page - 1) * query.pageSize, take: query.pageSize });
    return { items: items.map(toChannelView), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<ChannelView> {
    return toChannelView(await this.require(id));
  }

  async history({ id, limit, before }: ChannelHistoryRequest): Promise<ChannelHistory> {
    await this.require(id);
    const events = await this.channels.history(id, limit, before === undefined ? undefined : BigInt(before));
    return {
      items: events.map((event) => ({
        id: event.id.toString(),
        at: event.at.toISOString(),
        type: event.type,
        category: event.category,
        message: event.message,
        details: event.details ?? null,
      })),
    };
  }

  async create(body: CreateChannel): Promise<ChannelView> {
    if (body.schedule) checkSchedule(body.schedule);
    const sources = await this.sources.prepare(body.sources);
    await this.checkReferences(body);
    const slug = body.slug ? await this.requireFreeSlug(body.slug) : await this.freeSlugFor(body.name);
    const channel = await this.channels.create({ name: body.name, slug, ...this.settings(body) }, sources);
    if (body.schedule) await this.schedules.apply(channel.id, body.schedule);
    return toChannelView(channel);
  }

  async update(id: string, changes: UpdateChannel): Promise<ChannelView> {
    const current = await this.require(id);
    if (changes.schedule) checkSchedule(changes.schedule);
    const sources = changes.sources ? await this.sources.prepare(changes.sources, current.sources) : undefined;
    await this.checkReferences(changes);
    if (changes.playback && changes.playback !== current.playback && current.desiredState === 'running') {
      const message = 'Stop the channel before changing its playback (signed channels are written to their own directory)';
      throw AppError.conflict(message, fieldProblem('playback', message));
    }
    if (changes.slug && changes.slug !== current.slug) {
      if (current.desiredState === 'running') {
        const message = 'Stop the channel before changing its slug (its playback URL)';
        throw AppError.conflict(message, fieldProblem('slug', message));
      }
      await this.requireFreeSlug(changes.slug, id);
    }
    // A new slug is a new signing version too: links handed out under the old one end.
    const slugChanged = changes.slug !== undefined && changes.slug !== current.slug;
    const channel = await this.channels.update(
      id,
      { name: changes.name, slug: changes.slug, ...this.settings(changes), ...(slugChanged ? { signingVersion: { increment: 1 } } : {}) },
      sources,
    );
    if (slugChanged) await removeRevokedSignedDirs(this.config.HLS_ROOT, channel);
    if (changes.schedule !== undefined) await this.schedules.apply(id, changes.schedule);
    return toChannelView(channel);
  }

  async delete(id: string): Promise<void> {
    const channel = await this.require(id);
    if (channel.desiredState === 'running') throw AppError.conflict('Stop the channel before deleting it');
    await this.channels.delete(id);
    await this.schedules.remove(id);
  }

  /**
   * Queues the channel for a worker; works from any status. A channel already starting or running with a
   * job is left as it is; one waiting for its source or cooling down after a crash loop is woken at once.
   */
  async start(id: string): Promise<ChannelView> {
    const channel = await this.require(id);
    const job = await this.liveQueue.jobState(id);
    const alive = job !== undefined || (await this.leases.holderOf(id)) !== null;
    if (channel.desiredState === 'running' && (channel.status === 'starting' || channel.status === 'running') && alive) {
      return toChannelView(channel);
    }
    // A host whose DNS answer changed since the create (rebinding) is refused before anything is written.
    await this.sources.checkStored(channel.sources);
    // While the old run is still stopping, its job holds the id and the add is a no-op: that worker finds
    // desiredState 'running' again when FFmpeg has exited and carries on instead of finishing.
    const started = await this.channels.changeState(
      id,
      { desiredState: 'running', status: 'starting', lastError: null, statusDetail: null },
      { type: 'state', message: 'starting: start requested' },
    );
    if (job === undefined) await this.liveQueue.enqueue(id);
    else if (job === 'active' && channel.desiredState === 'running') await this.control(id, { action: 'restart' });
    return toChannelView(started);
  }

  /** Stops the channel: a job no worker has taken yet is simply removed, a running one is told to stop. */
  async stop(id: string): Promise<ChannelView> {
    const channel = await this.require(id);
    if (channel.desiredState === 'stopped' && channel.status !== 'starting' && channel.status !== 'running' && channel.status !== 'waiting') {
      return toChannelView(channel);
    }
    const stopping = await this.channels.changeState(
      id,
      { desiredState: 'stopped', status: 'stopping', statusDetail: null },
      { type: 'state', message: 'stopping: stop requested' },
    );
    // A worker may run it with its job lost (Redis emptied): its lease says so.
    if ((await this.liveQueue.removeUnclaimed(id)) !== 'running' && (await this.leases.holderOf(id)) === null) {
      const stopped = await this.channels.changeState(id, { status: 'stopped', startedAt: null }, { type: 'state', message: 'stopped: no worker had taken it' });
      return toChannelView(stopped);
    }
    await this.control(id, { action: 'stop' });
    return toChannelView(stopping);
  }

  /**
   * Restarts a running channel's FFmpeg at once (no cooldown, a fresh restart budget), from any status: a
   * channel that should not run is started, one whose job was lost gets a new one.
   */
  async restart(id: string): Promise<ChannelView> {
    const channel = await this.require(id);
    if (channel.desiredState !== 'running') return this.start(id);
    const restarting = await this.channels.changeState(
      id,
      { status: 'starting', statusDetail: 'Restart requested' },
      { type: 'state', message: 'starting: restart requested' },
    );
    const job = await this.liveQueue.jobState(id);
    if (job === 'active' || (await this.leases.holderOf(id)) !== null) await this.control(id, { action: 'restart' });
    else if (job === undefined) await this.liveQueue.enqueue(id);
    return toChannelView(restarting);
  }

  /** A new signing version (every earlier signed URL ends); a running channel restarts into its new directory. */
  async revokePlayback(id: string): Promise<ChannelView> {
    await this.require(id);
    const channel = await this.channels.update(id, { signingVersion: { increment: 1 } });
    await removeRevokedSignedDirs(this.config.HLS_ROOT, channel);
    if (channel.desiredState === 'running' && (channel.status === 'starting' || channel.status === 'running')) return this.restart(id);
    return toChannelView(channel);
  }

  private async control(id: string, control: ChannelControl): Promise<void> {
    this.bus.publish(Events.channelControl(id), control);
    await this.bus.flush();
  }

  private async checkReferences(body: Pick<CreateChannel, 'presetId' | 'logo'>): Promise<void> {
    if (body.presetId && !(await this.channels.presetExists(body.presetId))) {
      throw AppError.badRequest(`presetId: no preset ${body.presetId}`, fieldProblem('presetId', `no preset ${body.presetId}`));
    }
    if (body.logo && !(await this.channels.logoExists(body.logo.uploadId))) {
      throw AppError.badRequest(`logo.uploadId: no uploaded logo ${body.logo.uploadId}`, fieldProblem('logo.uploadId', 'no such uploaded logo'));
    }
  }

  /** Maps the optional settings of a create/update body to columns; undefined leaves a column as it is. */
  private settings(body: Partial<CreateChannel>): ChannelSettings {
    const logo = body.logo;
    return {
      presetId: body.presetId,
      output: body.output === null ? Prisma.DbNull : body.output,
      ...(logo === null
        ? { logoUploadId: null }
        : logo
          ? {
              logoUploadId: logo.uploadId,
              logoAnchor: logo.anchor,
              logoX: logo.x,
              logoY: logo.y,
              logoWidth: logo.width,
              logoHeight: logo.height,
              logoOpacity: logo.opacity,
            }
          : {}),
      hlsSegmentSeconds: body.hls?.segmentSeconds,
      hlsListSize: body.hls?.listSize,
      playback: body.playback,
      autoRestart: body.autoRestart,
      schedule: body.schedule === null ? Prisma.DbNull : body.schedule,
    };
  }

  private async require(id: string) {
    const channel = await this.channels.findById(id);
    if (!channel) throw AppError.notFound('Channel');
    return channel;
  }

  private async requireFreeSlug(slug: string, exceptId?: string): Promise<string> {
    if (await this.channels.slugTaken(slug, exceptId)) {
      throw AppError.conflict(`The slug "${slug}" is taken`, fieldProblem('slug', `The slug "${slug}" is taken`));
    }
    return slug;
  }

  /** A slug from the name (`Sports HD` -> `sports-hd`), suffixed -2, -3, … when taken. */
  private async freeSlugFor(name: string): Promise<string> {
    const base = slugify(name) || 'channel';
    for (let attempt = 1; attempt <= MAX_SLUG_ATTEMPTS; attempt += 1) {
      const candidate = attempt === 1 ? base : `${base.slice(0, 60)}-${attempt}`;
      if (!(await this.channels.slugTaken(candidate))) return candidate;
    }
    throw AppError.conflict(`No free slug for "${name}"; give one explicitly`, fieldProblem('slug', `No free slug for "${name}"; give one explicitly`));
  }
}

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}
