import { LOGO_TYPES, type LogoType, sniffImageType } from '@castline/contracts';
import sharp from 'sharp';

export interface LogoLimits {
  maxBytes: number;
  maxWidth: number;
  maxHeight: number;
  minSide: number;
}

export type LogoVerdict =
  | { ok: true; type: LogoType; mimeType: string; width: number; height: number }
  | { ok: false; reason: string };

/**
 * Checks an uploaded logo: really PNG/JPEG/WebP (by content), within the size and dimension limits, and
 * decodable to the last pixel (a header alone can lie: a truncated file still announces its size). FFmpeg
 * reads this file later; a damaged logo would only fail there, at channel start.
 */
export async function checkLogo(data: Buffer, limits: LogoLimits): Promise<LogoVerdict> {
  if (data.length === 0) return { ok: false, reason: 'the file is empty' };
  if (data.length > limits.maxBytes) return { ok: false, reason: `the file is ${data.length} bytes; the limit is ${limits.maxBytes}` };
  const type = sniffImageType(data);
  if (!type) return { ok: false, reason: 'not a PNG, JPEG or WebP image (checked by content, not by name)' };
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(data).metadata());
  } catch {
    return { ok: false, reason: `the ${type.toUpperCase()} header is damaged or truncated` };
  }
  if (!width || !height) return { ok: false, reason: 'the image has no dimensions' };
  if (width > limits.maxWidth || height > limits.maxHeight) {
    return { ok: false, reason: `the image is ${width}x${height}; the limit is ${limits.maxWidth}x${limits.maxHeight}` };
  }
  if (width < limits.minSide || height < limits.minSide) {
    return { ok: false, reason: `the image is ${width}x${height}; each side must be at least ${limits.minSide} px` };
  }
  try {
    await sharp(data, { failOn: 'truncated' }).raw().toBuffer();
  } catch {
    return { ok: false, reason: `the ${type.toUpperCase()} data is damaged or truncated` };
  }
  return { ok: true, type, mimeType: LOGO_TYPES[type], width, height };
}
