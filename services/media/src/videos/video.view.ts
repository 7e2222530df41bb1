import type { VideoView } from '@castline/contracts';
import type { VideoWithVersions } from './videos.repository';

export function toVideoView(video: VideoWithVersions): VideoView {
  return {
    id: video.id,
    title: video.title,
    originalFilename: video.originalFilename,
    status: video.status,
    progress: video.progress,
    errorCode: video.errorCode,
    errorMessage: video.errorMessage,
    visibility: video.visibility,
    sizeBytes: video.sizeBytes.toString(),
    sha256: video.sha256,
    durationSeconds: video.durationSeconds,
    width: video.width,
    height: video.height,
    fps: video.fps,
    uploadedBy: video.uploadedBy,
    createdAt: video.createdAt.toISOString(),
    readyAt: video.readyAt?.toISOString() ?? null,
    versions: video.versions.map((version) => ({
      kind: version.kind,
      name: version.name,
      width: version.width,
      height: version.height,
      bitrateKbps: version.bitrateKbps,
      path: version.path,
      sizeBytes: version.sizeBytes.toString(),
      status: version.status,
    })),
  };
}
