import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Gzipped, the tracker must stay within this (tested): it loads on every page of every site. */
export const TRACKER_MAX_GZIP_BYTES = 2_048;

/** The browser script, as served at /api/v1/collect/tracker.js (plain ES5, no build step). */
export function trackerSource(): string {
  return readFileSync(path.join(__dirname, '..', 'tracker.js'), 'utf8');
}
