import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FfmpegProcess } from '@castline/ffmpeg';

/** An FFmpeg that runs until it is stopped: a test pattern encoded to nowhere, in real time. */
const ENDLESS = ['-nostdin', '-v', 'error', '-progress', 'pipe:1', '-stats_period', '0.2', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-f', 'null', '-'];

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
const niceOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('FfmpegProcess', () => {
  it('runs FFmpeg in its own session at nice 19, its autogroup at nice 19 too; stop() ends it with one SIGINT', async () => {
    const ffmpeg = new FfmpegProcess(ENDLESS, 19);
    const pid = ffmpeg.pid as number;
    // setpriv and nice exec into FFmpeg: the pid becomes FFmpeg's own.
    await until('FFmpeg to exec', () => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    expect(Number(stat[2])).toBe(pid); // its own process group
    expect(Number(stat[3])).toBe(pid); // and its own session
    expect(niceOf(pid)).toBe(19);
    if (existsSync(`/proc/${pid}/autogroup`)) expect(readFileSync(`/proc/${pid}/autogroup`, 'utf8')).toMatch(/ nice 19$/m);
    // Its SIGINT handler is in place once it encodes. At nice 19 that can take a while on a box busy with other
    // tests: it runs only when they leave a CPU free.
    await until('progress', () => ffmpeg.progress.latest !== undefined, 60_000);
    const exit = await ffmpeg.stop();
    expect(exit.code).toBe(255); // 5.1 after one SIGINT
    expect(ffmpeg.signalledByPlatform).toBe(true);
    expect(alive(pid)).toBe(false);
  }, 90_000);

  it('a niceness below 19 is exactly that, for FFmpeg and its autogroup (never added twice)', async () => {
    for (let round = 0; round < 5; round++) {
      const ffmpeg = new FfmpegProcess(ENDLESS, 10);
      const pid = ffmpeg.pid as number;
      await until('FFmpeg to exec', () => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg');
      expect(niceOf(pid)).toBe(10);
      if (existsSync(`/proc/${pid}/autogroup`)) expect(readFileSync(`/proc/${pid}/autogroup`, 'utf8')).toMatch(/ nice 10$/m);
      await ffmpeg.kill();
    }
  });

  it('dies with the Node process that started it, even when that one is SIGKILLed', async () => {
    const dist = path.resolve(__dirname, '../dist/index.js');
    const script = `const { FfmpegProcess } = require(${JSON.stringify(dist)});
      const ffmpeg = new FfmpegProcess(${JSON.stringify(ENDLESS)}, 19);
      console.log(ffmpeg.pid); setInterval(() => undefined, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const pid = Number(line.toString().trim());
    await until('FFmpeg to exec', () => alive(pid) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg');
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    await until('FFmpeg to die with its parent', () => !alive(pid));
  });

  it('keeps the last stderr lines, redacted', async () => {
    const ffmpeg = new FfmpegProcess(['-nostdin', '-v', 'error', '-i', '/nonexistent/secret-token.mp4'], 0, (text) => text.replaceAll('secret-token', '***'));
    const exit = await ffmpeg.exited;
    expect(exit.code).not.toBe(0);
    expect(ffmpeg.lastStderr).toContain('/nonexistent/***.mp4');
    expect(ffmpeg.lastStderr).not.toContain('secret-token');
  });
});
