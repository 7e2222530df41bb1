import { readdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MediaErrorCodes } from '@castline/contracts';
import {
  buildSpriteVtt,
  buildVodCommand,
  buildVodMasterPlaylist,
  buildVodMp4Command,
  DOWNLOAD_FILE,
  ENTRY_PLAYLIST,
  FfmpegProcess,
  type MeasuredRendition,
  parsePlaylist,
  planVod,
  POSTER_FILE,
  SPRITE_FILE,
  SPRITE_VTT_FILE,
  type VodEncodeSpec,
} from '@castline/ffmpeg';
import { HANDED_BACK } from '@castline/platform';
import { UnrecoverableError } from 'bullmq';
import type { MediaConfig } from '../config';
import type { MediaStorage } from '../storage/media-storage';
import type { Probe } from '../storage/probe';
import type { VideosRepository } from '../videos/videos.repository';

/** Progress is written (and published) at most this often. */
export const PROGRESS_INTERVAL_MS = 1_000;
/** The encode's share of the progress bar; the MP4 remux and publishing take the rest. */
const ENCODE_SHARE = 95;

export type TranscodeOutcome = 'ready' | 'cancelled' | 'gone' | typeof HANDED_BACK;

export interface TranscoderDeps {
  config: Pick<MediaConfig, 'MEDIA_RUNGS' | 'MEDIA_TRANSCODE_THREADS' | 'MEDIA_FFMPEG_NICE' | 'MEDIA_X264_PRESET' | 'MEDIA_CRF' | 'MEDIA_SEGMENT_SECONDS'>;
  videos: VideosRepository;
  storage: MediaStorage;
  probe: Probe;
  log: (message: string) => void;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One transcode attempt of one video: a fresh work/<id>/<attempt>/ (whatever a killed attempt left is removed
 * first), one FFmpeg for the whole ladder, then the MP4 remux, master playlist and sprite VTT, then one rename
 * to vod/<id>/. A cancel (status set to `cancelled` by the API) stops FFmpeg and is never retried; a stopping
 * worker hands the job back. Any other failure throws, and the queue retries it.
 */
export class Transcoder {
  constructor(private readonly deps: TranscoderDeps) {}

  async run(videoId: string, signal: AbortSignal): Promise<TranscodeOutcome> {
    const { videos, storage, probe, config, log } = this.deps;
    const video = await videos.find(videoId);
    if (!video) return 'gone';
    if (video.status === 'cancelled') return 'cancelled';
    if (!['queued', 'transcoding', 'failed'].includes(video.status)) {
      throw new UnrecoverableError(`video ${videoId} is ${video.status}, not waiting for a transcode`);
    }
    const attempt = await videos.nextAttempt(videoId);
    const workDir = await storage.freshWorkDir(videoId, attempt);
    const source = await probe.probe(storage.original(videoId));
    if (!source) {
      await storage.removeWork(videoId);
      throw new UnrecoverableError(`${MediaErrorCodes.notVideo}: the original of ${videoId} has no readable video stream`);
    }
    if (!(await videos.transition(videoId, ['queued', 'transcoding', 'failed'], { status: 'transcoding', progress: 0, errorCode: null, errorMessage: null }))) {
      await storage.removeWork(videoId);
      return 'cancelled';
    }

    const spec: VodEncodeSpec = {
      input: storage.original(videoId),
      outputDir: workDir,
      rungHeights: config.MEDIA_RUNGS,
      preset: config.MEDIA_X264_PRESET,
      crf: config.MEDIA_CRF,
      gopSeconds: 2,
      segmentSeconds: config.MEDIA_SEGMENT_SECONDS,
      threads: config.MEDIA_TRANSCODE_THREADS,
    };
    const plan = planVod(spec, source);
    log(`video ${videoId}: attempt ${attempt}, ${plan.renditions.map((r) => r.name).join('/')} from ${source.width}x${source.height}`);

    // FFmpeg 5.1 prints its first -progress block only once every output has written its header, and the sprite
    // (tile) writes at the very end: until then the finished segments on disk say how far the encode is.
    const segmentsDir = path.join(workDir, plan.renditions[0]!.name);
    const encode = await this.runFfmpeg(videoId, buildVodCommand(spec, source), signal, (ffmpeg) => {
      const outMs = ffmpeg.progress.latest?.outTimeMs ?? 0;
      const onDisk = finishedSegments(segmentsDir) * spec.segmentSeconds * 1000;
      const doneMs = Math.max(outMs, onDisk);
      return doneMs === 0 ? undefined : Math.min(ENCODE_SHARE, Math.floor((doneMs / 1000 / source.durationSeconds) * ENCODE_SHARE));
    });
    if (encode !== 'done') {
      await storage.removeWork(videoId);
      return encode;
    }

    const top = plan.renditions[0]!;
    const download = path.join(workDir, DOWNLOAD_FILE);
    const remux = await this.runFfmpeg(videoId, buildVodMp4Command(path.join(workDir, top.name, ENTRY_PLAYLIST), download, plan.hasAudio), signal, () => undefined);
    if (remux !== 'done') {
      await storage.removeWork(videoId);
      return remux;
    }

    const measured: MeasuredRendition[] = [];
    for (const rendition of plan.renditions) {
      const dir = path.join(workDir, rendition.name);
      const playlist = parsePlaylist(await readFile(path.join(dir, ENTRY_PLAYLIST), 'utf8'));
      if (playlist.kind !== 'media' || !playlist.endList || playlist.segments.length === 0) throw new Error(`rung ${rendition.name} has no complete playlist`);
      const segmentBytes = await Promise.all(playlist.segments.map(async (segment) => (await stat(path.join(dir, segment.uri))).size));
      measured.push({ rendition, playlist, segmentBytes });
    }
    await writeFile(path.join(workDir, ENTRY_PLAYLIST), buildVodMasterPlaylist(plan, measured));
    await writeFile(path.join(workDir, SPRITE_VTT_FILE), buildSpriteVtt(plan));

    const versions = [
      ...measured.map(({ rendition, segmentBytes }) => ({
        kind: 'hls' as const, name: rendition.name, width: rendition.width, height: rendition.height,
        bitrateKbps: rendition.maxrateKbps, path: `${rendition.name}/${ENTRY_PLAYLIST}`,
        sizeBytes: BigInt(segmentBytes.reduce((sum, bytes) => sum + bytes, 0)), status: 'ready' as const,
      })),
      { kind: 'mp4' as const, name: 'download', width: top.width, height: top.height, path: DOWNLOAD_FILE, sizeBytes: BigInt((await stat(download)).size), status: 'ready' as const },
      { kind: 'poster' as const, name: 'poster', width: plan.poster.width, height: plan.poster.height, path: POSTER_FILE, sizeBytes: BigInt((await stat(path.join(workDir, POSTER_FILE))).size), status: 'ready' as const },
      { kind: 'sprite' as const, name: 'sprite', width: plan.sprite.width * plan.sprite.columns, height: plan.sprite.height * plan.sprite.rows, path: SPRITE_VTT_FILE, sizeBytes: BigInt((await stat(path.join(workDir, SPRITE_FILE))).size), status: 'ready' as const },
    ];

    const current = await videos.find(videoId);
    if (current?.status !== 'transcoding') {
      await storage.removeWork(videoId);
      return 'cancelled';
    }
    await storage.publish(videoId, workDir, current.visibility);
    await videos.replaceVersions(videoId, versions);
    const ready = await videos.transition(videoId, ['transcoding'], { status: 'ready', progress: 100, readyAt: new Date() });
    if (!ready) {
      // Cancelled or deleted in the last instant: nothing of it may stay served.
      await storage.removeAll(videoId).catch(() => undefined);
      return 'cancelled';
    }
    log(`video ${videoId}: ready (attempt ${attempt})`);
    return 'ready';
  }

  /**
   * Runs one FFmpeg at the configured nice, watching it once a second: progress (stored and published when
   * it moved), a cancel (status no longer `transcoding`, or the row gone) and the worker stopping.
   */
  private async runFfmpeg(
    videoId: string,
    args: string[],
    signal: AbortSignal,
    percent: (ffmpeg: FfmpegProcess) => number | undefined,
  ): Promise<'done' | 'cancelled' | typeof HANDED_BACK> {
    const { videos, config } = this.deps;
    const ffmpeg = new FfmpegProcess(args, config.MEDIA_FFMPEG_NICE);
    let stored = -1;
    try {
      while (ffmpeg.alive) {
        await Promise.race([ffmpeg.exited, delay(PROGRESS_INTERVAL_MS)]);
        if (!ffmpeg.alive) break;
        if (signal.aborted) {
          await ffmpeg.stop();
          return HANDED_BACK;
        }
        const status = await videos.status(videoId).catch(() => 'transcoding' as const);
        if (status !== 'transcoding') {
          await ffmpeg.stop();
          return 'cancelled';
        }
        const now = percent(ffmpeg);
        if (now !== undefined && now > stored) {
          stored = now;
          await videos.transition(videoId, ['transcoding'], { status: 'transcoding', progress: now }).catch(() => false);
        }
      }
    } finally {
      if (ffmpeg.alive) await ffmpeg.kill();
    }
    const exit = await ffmpeg.exited;
    if (exit.code !== 0) throw new Error(`FFmpeg exited with ${exit.code ?? exit.signal}: ${ffmpeg.lastStderr.split('\n').slice(-5).join(' | ')}`);
    return 'done';
  }
}

/** Completed HLS segments in a rung's directory (FFmpeg writes each as .tmp and renames it when complete). */
function finishedSegments(dir: string): number {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.ts')).length;
  } catch {
    return 0;
  }
}
