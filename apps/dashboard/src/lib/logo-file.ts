import { LOGO_MAX_BYTES, LOGO_TYPES, sniffImageType } from '@castline/contracts';
import { formatBytes } from './format';

/** The file types the logo picker offers (what the channels service accepts). */
export const LOGO_ACCEPT = Object.values(LOGO_TYPES).join(',');

/** "PNG, JPEG or WebP, up to 512 KiB": the limits the server enforces, in the picker's hint. */
export const LOGO_HINT = `PNG, JPEG or WebP, up to ${formatBytes(LOGO_MAX_BYTES, 0)}`;

/**
 * Why a picked file cannot be a logo, checked in the browser before anything is uploaded: the same size limit
 * and the same content sniffing as the channels service (which checks again, and decodes the image too).
 * Null when it may be uploaded.
 */
export async function logoFileProblem(file: Blob & { name: string }): Promise<string | null> {
  if (file.size === 0) return `${file.name} is empty`;
  if (file.size > LOGO_MAX_BYTES) return `${file.name} is ${formatBytes(file.size)}; a logo may be at most ${formatBytes(LOGO_MAX_BYTES, 0)}`;
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  if (!sniffImageType(head)) return `${file.name} is not a PNG, JPEG or WebP image`;
  return null;
}
