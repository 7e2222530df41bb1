import { statfs } from 'node:fs/promises';
import { HttpStatus } from '@nestjs/common';
import { ErrorCodes } from '@castline/contracts';
import { AppError } from '@castline/platform';

/** The components archived as a tar of a directory. */
export const TAR_COMPONENTS = ['uploads', 'media', 'nginx'] as const;
export type TarComponent = (typeof TAR_COMPONENTS)[number];

export const isTarComponent = (kind: string): kind is TarComponent => (TAR_COMPONENTS as readonly string[]).includes(kind);

/**
 * MEDIA_ROOT's library without what is in flight: `incoming/` (tus uploads being received), `work/` (transcodes in
 * progress), and partial or temp files anywhere (`*.partial`, `*.tmp`, dot files). `vod/` and `originals/` stay.
 */
export function excludedFromMedia(relative: string): boolean {
  return /^(incoming|work)\//.test(relative) || /(^|\/)\./.test(relative) || /\.(partial|tmp)$/.test(relative);
}

/** Restores' own leftovers (`.pre-restore-<id>/`, temp files) are never archived again. */
export function excludedFromUploads(relative: string): boolean {
  return /(^|\/)\.pre-restore-/.test(relative) || /\.restore-[0-9a-f]+\.tmp$/.test(relative);
}

/** nginx's directory: config and certificates only (`npm start` keeps its access log, pid and temp files there too). */
export function excludedFromNginx(relative: string): boolean {
  return !/\.(conf|types|pem|crt|key)$/.test(relative) || /(^|\/)[^/]*_temp\//.test(relative);
}

export const excludedFrom = (kind: TarComponent) => ({ uploads: excludedFromUploads, media: excludedFromMedia, nginx: excludedFromNginx })[kind];

/** What a tar of `files` holding `bytes` occupies once encrypted: headers, padding, 16 bytes per 64 KiB chunk, slack. */
export const archivedBytes = (bytes: number, files: number) => bytes + files * 1024 + Math.ceil(bytes / 4096) + 1024 ** 2;

/** Fails with BACKUP_NO_SPACE, before anything of it is written, when `directory`'s file system lacks `needed` bytes. */
export async function ensureFreeSpace(directory: string, needed: number, what: string): Promise<void> {
  const info = await statfs(directory);
  const free = info.bavail * info.bsize;
  if (free < needed) {
    throw new AppError(
      ErrorCodes.backupNoSpace,
      `${what} needs ${Math.ceil(needed / 1024 ** 2)} MiB and BACKUP_DIR has ${Math.floor(free / 1024 ** 2)} MiB free: free space, or leave ${what} out of the components`,
      HttpStatus.INSUFFICIENT_STORAGE,
    );
  }
}
