import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@castline/testkit';
import { FileTailer } from '../src/access-log/file-tailer';

/**
 * A rotation on a busy machine: nginx's master has opened the new file, but a worker that has not reopened yet
 * keeps appending to the renamed one, line after line, for longer than the grace. Those lines are read, not lost
 * (the grace restarts while the renamed file still grows). State in memory: this is about the file handling.
 */
const LATE_LINES = 40;
const work = mkdtempSync(path.join(tmpdir(), 'castline-late-reopen-'));
const log = path.join(work, 'access.log');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const line = (uri: string) =>
  `${JSON.stringify({
    time: new Date().toISOString(), msec: Date.now() / 1000, request_id: createHash('md5').update(uri).digest('hex'), host: 'tv.example.com', method: 'GET', uri,
    status: 200, bytes: 100, bytes_sent: 300, request_time: 0.001, upstream_response_time: '', upstream_addr: '', upstream_status: '',
    remote_addr: '10.0.0.1', x_forwarded_for: '', user_agent: 'test', referer: '',
  })}\n`;

it('reads what a late worker appends to the renamed file for longer than the grace, then the new file', async () => {
  const seen: string[] = [];
  writeFileSync(log, line('/live/a/seg_0.ts'));
  const tailer = new FileTailer({
    file: log,
    source: log,
    owner: 'late-reopen',
    state: { acquire: async () => true, release: async () => undefined, load: async () => null, commit: async () => true },
    onBatch: async (batch) => batch.entries.forEach((entry) => seen.push(entry.uri)),
    pollMs: 10,
    // The default grace. The writer below is this test's own timers: on a loaded CI box one may fire hundreds of
    // ms late, and a worker silent for longer than the grace is taken as reopened (by design).
    rotateGraceMs: 1_000,
  });
  tailer.start();
  try {
    await eventually(async () => (seen.length === 1 ? true : undefined));
    renameSync(log, `${log}.1`);
    writeFileSync(log, line('/live/a/new_0.ts'));
    // The late worker: one line every 75 ms for 3 s, three times the grace.
    for (let index = 1; index <= LATE_LINES; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, 75));
      appendFileSync(`${log}.1`, line(`/live/a/seg_${index}.ts`));
    }
    appendFileSync(log, line('/live/a/new_1.ts'));
    const expected = ['/live/a/seg_0.ts', ...Array.from({ length: LATE_LINES }, (_, index) => `/live/a/seg_${index + 1}.ts`), '/live/a/new_0.ts', '/live/a/new_1.ts'];
    await eventually(async () => (seen.length >= expected.length ? true : undefined), 10_000).catch(() => undefined);
    expect(seen).toEqual(expected);
  } finally {
    await tailer.stop();
  }
});
