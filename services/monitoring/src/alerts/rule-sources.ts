import { Injectable } from '@nestjs/common';
import type { SystemMetrics } from '@castline/contracts';
import { PrismaService } from '@castline/platform';
import { HostSampler } from '../system/host-sampler.service';
import { fingerprintOf, type Series } from './rule-engine';

/** What one evaluation reads, once, whatever the number of rules. */
export interface SourceSnapshot {
  checks: Array<{ name: string; kind: string; status: string; lastError: string | null }>;
  host: SystemMetrics | null;
  /** Per channel: the latest status and event times by type over the longest window any rule asks. */
  channels: Array<{ channelId: string; latestStatus: string | null; latestMessage: string; events: Array<{ type: string; at: number; message: string }> }>;
}

export interface RuleInput {
  id: string;
  source: string;
  params: Record<string, unknown>;
  labels: Record<string, string>;
}

const CHANNEL_WINDOW_MINUTES = 1_440;

function compare(value: number, op: unknown, threshold: unknown): boolean {
  return op === '<' ? value < Number(threshold) : value > Number(threshold);
}

function hostValue(host: SystemMetrics, metric: unknown): number | null {
  const freePercent = (mount: string) => {
    const disk = host.disks.find((d) => d.mount === mount);
    return disk && disk.totalBytes > 0 ? (100 * disk.freeBytes) / disk.totalBytes : null;
  };
  switch (metric) {
    case 'cpu_percent':
      return host.cpu.usagePercent;
    case 'memory_percent':
      return host.memory.usedPercent;
    case 'load1':
      return host.load.load1;
    case 'hls_free_percent':
      return freePercent('hls');
    case 'data_free_percent':
      return freePercent('data');
    default:
      return null;
  }
}

/** The series of one rule in a snapshot (pure): one per check, one host figure, one per channel. */
export function seriesFor(rule: RuleInput, snapshot: SourceSnapshot, now: number): Series[] {
  const make = (labels: Record<string, string>, value: number | null, active: boolean, message: string): Series => {
    const all = { ...rule.labels, ...labels };
    return { fingerprint: fingerprintOf(rule.id, all), labels: all, value, active, message };
  };
  const params = rule.params;
  switch (rule.source) {
    case 'check_status':
      return snapshot.checks.map((check) => {
        const active = params.status === 'not_up' ? check.status === 'down' || check.status === 'degraded' : check.status === (params.status ?? 'down');
        return make({ check: check.name, kind: check.kind }, active ? 1 : 0, active, `${check.name} is ${check.status.toUpperCase()}${check.lastError ? `: ${check.lastError}` : ''}`);
      });
    case 'host_metric': {
      if (!snapshot.host) return [];
      const value = hostValue(snapshot.host, params.metric);
      if (value === null) return [];
      const rounded = Math.round(value * 100) / 100;
      return [make({ metric: String(params.metric) }, rounded, compare(value, params.op, params.threshold), `${String(params.metric)} is ${rounded} (${String(params.op)} ${String(params.threshold)})`)];
    }
    case 'channel_event': {
      const since = now - Number(params.windowMinutes ?? 10) * 60_000;
      return snapshot.channels.map((channel) => {
        if (params.event === 'given_up') {
          const active = channel.latestStatus === 'error';
          return make({ channel: channel.channelId, event: 'given_up' }, active ? 1 : 0, active, `channel ${channel.channelId} gave up: ${channel.latestMessage}`);
        }
        const type = params.event === 'stall' ? 'stall' : 'failover';
        const recent = channel.events.filter((event) => event.type === type && event.at >= since);
        return make({ channel: channel.channelId, event: String(params.event) }, recent.length, recent.length > 0, `channel ${channel.channelId}: ${recent.length} ${type} event(s) in ${String(params.windowMinutes ?? 10)} min${recent[0] ? `: ${recent.at(-1)!.message}` : ''}`);
      });
    }
    case 'crash_loop': {
      const since = now - Number(params.windowMinutes) * 60_000;
      return snapshot.channels.map((channel) => {
        const restarts = channel.events.filter((event) => event.type === 'restart' && event.at >= since).length;
        const active = restarts >= Number(params.restarts);
        return make({ channel: channel.channelId }, restarts, active, `channel ${channel.channelId} restarted ${restarts} times in ${String(params.windowMinutes)} min`);
      });
    }
    default:
      return [];
  }
}

/** Reads every source once per evaluation: checks (Postgres), host figures (the sampler), channel events (Postgres). */
@Injectable()
export class AlertSources {
  constructor(
    private readonly prisma: PrismaService,
    private readonly host: HostSampler,
  ) {}

  async read(now: Date): Promise<SourceSnapshot> {
    const since = new Date(now.getTime() - CHANNEL_WINDOW_MINUTES * 60_000);
    const [checks, events] = await Promise.all([
      this.prisma.monitorCheck.findMany({ where: { enabled: true }, select: { name: true, kind: true, status: true, lastError: true } }),
      this.prisma.channelEventLog.findMany({ where: { at: { gte: since } }, orderBy: { at: 'asc' }, select: { channelId: true, at: true, type: true, status: true, message: true } }),
    ]);
    const channels = new Map<string, SourceSnapshot['channels'][number]>();
    for (const event of events) {
      const channel = channels.get(event.channelId) ?? { channelId: event.channelId, latestStatus: null, latestMessage: '', events: [] };
      if (event.status) {
        channel.latestStatus = event.status;
        channel.latestMessage = event.message;
      }
      channel.events.push({ type: event.type, at: event.at.getTime(), message: event.message });
      channels.set(event.channelId, channel);
    }
    let host: SystemMetrics | null;
    try {
      host = this.host.latest();
    } catch {
      // procfs unreadable: host rules have no series this evaluation.
      host = null;
    }
    return { checks, host, channels: [...channels.values()] };
  }
}
