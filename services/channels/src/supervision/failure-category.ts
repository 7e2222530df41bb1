import type { FailureCategory } from './restart-policy';

const FATAL = [/Invalid data found/i, /Protocol not found/i, /not in whitelist/i, /Server returned 4\d\d/i, /HTTP error 4\d\d/i];
// A silent UDP/RTP/SRT source ends in "Input/output error" once the read timeout has passed.
const NETWORK = [/Input\/output error/i, /Connection refused/i, /Connection timed out/i, /timed out/i, /End of file/i, /Connection reset/i, /Network is unreachable/i];

/** Sorts a failed run by the last lines FFmpeg wrote to stderr (seed 002 categories). */
export function categorizeFailure(stderr: string): FailureCategory {
  if (FATAL.some((pattern) => pattern.test(stderr))) return 'fatal';
  if (NETWORK.some((pattern) => pattern.test(stderr))) return 'network';
  return 'encoding';
}
