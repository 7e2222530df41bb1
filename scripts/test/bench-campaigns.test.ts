import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm run bench:campaigns` at a small size: the script still runs end to end against the fakes (it broke once
 * when the Google fake learned manager accounts and nothing noticed), and the counts it reports hold: every
 * row written, API calls at the documented minimum, nothing rejected, a second run changing nothing.
 * Rates and times are printed, never asserted.
 */
jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const DAYS = 12;
const CAMPAIGNS = 6;

/** The bench's table: first column the label, then the cells, split on runs of two or more spaces. */
function rows(output: string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const [label, ...cells] = line.trim().split(/ {2,}/);
    if (label && cells.length > 0) table.set(label, cells);
  }
  return table;
}

test('bench:campaigns runs and reports exact counts', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'scripts/bench/campaigns.mjs')], {
    cwd: root,
    env: { ...process.env, BENCH_DAYS: String(DAYS), BENCH_CAMPAIGNS: String(CAMPAIGNS), BENCH_META_WINDOW_MS: '2000' },
    maxBuffer: 10 * 1024 * 1024,
  });
  const table = rows(stdout);
  // One ad per campaign: campaign and ad level, one row per day each.
  expect(table.get('rows written (1st run)')).toEqual([String(CAMPAIGNS * 2 * DAYS), `${CAMPAIGNS * 2 * DAYS} plain`]);
  const [calls = '', minimum = '', ratio] = table.get('API calls, 1st run (Meta + Google)') ?? [];
  expect(Number(calls.split(' ')[0])).toBe(Number(minimum.split(' ')[0]));
  expect(ratio).toBe('1.00');
  expect(table.get('calls rejected for rate')?.[0]).toBe('0');
  const [metaPeak, googlePeak] = (table.get('peak usage % (Meta, Google)')?.[0] ?? '').split(', ').map(Number);
  expect(metaPeak).toBeLessThan(90);
  expect(googlePeak).toBeLessThan(90);
  expect(table.get('rows changed, 2nd run')?.slice(0, 2)).toEqual(['0', `${CAMPAIGNS * 2 * DAYS} re-read`]);
  expect(table.get('API calls, 2nd run')?.[2]).toBe('1.00');
});
