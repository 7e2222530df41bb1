import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MediaErrorCodes } from '@castline/contracts';
import { PRINCIPAL_HEADER, verifyUploadPrincipal } from '@castline/platform';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import type { MediaConfig } from '../config';
import type { MediaStorage } from '../storage/media-storage';
import type { Probe } from '../storage/probe';
import type { TranscodeQueue } from '../videos/transcode-queue';
import type { VideosRepository } from '../videos/videos.repository';

export const TUS_PATH = '/api/v1/media/tus';
/** Partial uploads untouched this long are swept (files and their `uploading` video rows). */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

/** What may be uploaded: file extensions and the containers ffprobe must then confirm. */
export const ALLOWED_EXTENSIONS = ['mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'mpg', 'mpeg', 'ts', 'mts', 'm2ts', 'flv', 'wmv', '3gp', 'ogv'];
const ALLOWED_CONTAINERS = ['mov', 'mp4', 'matroska', 'webm', 'avi', 'mpeg', 'mpegts', 'flv', 'asf', '3gp', 'ogg'];
const MIN_DURATION_SECONDS = 1;
const MIN_SIDE = 64;
const MAX_WIDTH = 7680;
const MAX_HEIGHT = 4320;

/** A tus error answer: @tus/server sends status_code and body as they are. */
const refuse = (status_code: number, code: string, message: string) => ({ status_code, body: JSON.stringify({ code, message }) });

export interface TusDeps {
  config: Pick<MediaConfig, 'MEDIA_MAX_UPLOAD_BYTES' | 'MEDIA_DISK_RESERVE_BYTES' | 'MEDIA_MAX_DURATION_SECONDS' | 'MEDIA_UPLOAD_SECRET'>;
  storage: MediaStorage;
  videos: VideosRepository;
  probe: Probe;
  queue: TranscodeQueue;
  log: (message: string) => void;
}

/**
 * The tus endpoint (resumable uploads, @tus/server + @tus/file-store) under MEDIA_ROOT/incoming. nginx
 * authorises every request through the gateway and forwards X-Castline-Principal; a request without a valid
 * one is refused here too. On the last PATCH the file is probed and decoded for 2 s: a bad file is 422 with a
 * code and leaves nothing behind; a good one is renamed to originals/<id> and queued for transcoding.
 */
export function createTusServer(deps: TusDeps): Server {
  const { config, storage, videos, probe, queue, log } = deps;
  return new Server({
    path: TUS_PATH,
    datastore: new FileStore({ directory: storage.incomingDir, expirationPeriodInMilliseconds: STALE_UPLOAD_MS }),
    maxSize: config.MEDIA_MAX_UPLOAD_BYTES,
    // A path, not a URL: the client resolves it against the address it used (nginx), whatever the host and port.
    relativeLocation: true,
    // The upload id is the video id.
    namingFunction: () => randomUUID(),
    onIncomingRequest: async (req) => {
      if (req.method === 'OPTIONS') return;
      if (!verifyUploadPrincipal(config.MEDIA_UPLOAD_SECRET, req.headers.get(PRINCIPAL_HEADER) ?? undefined)) {
        throw refuse(401, 'UNAUTHENTICATED', 'Uploads need a valid X-Castline-Principal (sent by nginx after the gateway authorised the request)');
      }
    },
    onUploadCreate: async (req, upload) => {
      const filename = upload.metadata?.filename ?? '';
      const extension = path.extname(filename).slice(1).toLowerCase();
      if (!ALLOWED_EXTENSIONS.includes(extension)) {
        throw refuse(415, 'MEDIA_TYPE', `Only video files may be uploaded (${ALLOWED_EXTENSIONS.join(', ')}); got "${filename || 'no filename'}"`);
      }
      const size = upload.size ?? 0;
      if (size <= 0) throw refuse(400, 'MEDIA_LENGTH', 'Send Upload-Length: deferred lengths are not accepted');
      const free = await storage.freeBytes();
      if (free < size + config.MEDIA_DISK_RESERVE_BYTES) {
        throw refuse(507, 'MEDIA_DISK_FULL', `Not enough free space for ${size} bytes (free: ${free})`);
      }
      const principal = verifyUploadPrincipal(config.MEDIA_UPLOAD_SECRET, req.headers.get(PRINCIPAL_HEADER) ?? undefined);
      await videos.create({
        id: upload.id,
        title: (upload.metadata?.title || filename.replace(/\.[^.]+$/, '')).slice(0, 200) || 'Untitled',
        originalFilename: filename.slice(0, 255),
        status: 'uploading',
        sizeBytes: BigInt(size),
        uploadedBy: principal?.label ?? null,
      });
      return {};
    },
    onUploadFinish: async (_req, upload) => finish(deps, upload),
    onResponseError: (_req, error) => {
      if ('status_code' in error) return undefined;
      log(`tus error: ${(error as Error).message}`);
      return undefined;
    },
  });

  async function finish(_deps: TusDeps, upload: Upload): Promise<Record<string, never>> {
    const id = upload.id;
    const file = path.join(storage.incomingDir, id);
    await videos.update(id, { status: 'probing' });
    const reject = async (code: string, message: string, status = 422) => {
      await Promise.all([rm(file, { force: true }), rm(`${file}.json`, { force: true })]);
      await videos.update(id, { status: 'rejected', errorCode: code, errorMessage: message });
      log(`video ${id}: rejected (${code}): ${message}`);
      return refuse(status, code, message);
    };
    const facts = await probe.probe(file);
    if (!facts) throw await reject(MediaErrorCodes.notVideo, 'Not a video: no readable video stream (audio only, an image, or not a media file)');
    if (!ALLOWED_CONTAINERS.some((container) => facts.formatName.split(',').includes(container))) {
      throw await reject(MediaErrorCodes.notVideo, `Container ${facts.formatName} is not accepted`);
    }
    if (!(facts.durationSeconds >= MIN_DURATION_SECONDS && facts.durationSeconds <= config.MEDIA_MAX_DURATION_SECONDS)) {
      throw await reject(MediaErrorCodes.duration, `Duration ${facts.durationSeconds.toFixed(1)} s is outside ${MIN_DURATION_SECONDS}..${config.MEDIA_MAX_DURATION_SECONDS} s`);
    }
    if (facts.width < MIN_SIDE || facts.height < MIN_SIDE || facts.width > MAX_WIDTH || facts.height > MAX_HEIGHT) {
      throw await reject(MediaErrorCodes.dimensions, `Picture ${facts.width}x${facts.height} is outside ${MIN_SIDE}x${MIN_SIDE}..${MAX_WIDTH}x${MAX_HEIGHT}`);
    }
    const decoded = await probe.decodes(file);
    if (!decoded.ok) throw await reject(MediaErrorCodes.corrupt, `The first seconds do not decode: ${decoded.detail}`);

    const sha256 = createHash('sha256');
    await pipeline(createReadStream(file), sha256);
    await rename(file, storage.original(id));
    await rm(`${file}.json`, { force: true });
    await videos.update(id, {
      status: 'queued',
      sha256: sha256.digest('hex'),
      container: facts.formatName,
      durationSeconds: facts.durationSeconds,
      width: facts.width,
      height: facts.height,
      fps: facts.fps,
      videoCodec: facts.videoCodec,
      audioCodec: facts.audioCodec,
    });
    await queue.enqueue(id);
    log(`video ${id}: uploaded, ${facts.width}x${facts.height} ${facts.durationSeconds.toFixed(1)} s, queued`);
    return {};
  }
}

/** Removes partial uploads older than STALE_UPLOAD_MS and their `uploading` rows. */
export async function sweepStaleUploads(server: Server, videos: VideosRepository): Promise<number> {
  const removed = await server.cleanUpExpiredUploads().catch(() => 0);
  await videos.deleteStaleUploads(new Date(Date.now() - STALE_UPLOAD_MS));
  return removed;
}
