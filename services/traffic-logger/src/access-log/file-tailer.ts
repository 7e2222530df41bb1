import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AccessLogEntry, parseAccessLine } from './access-line';
import type { DeadLetter, TailCheckpoint, TailStateRepository } from './tail-state.repository';

export interface TailBatch {
  entries: AccessLogEntry[];
  /** Lines that could not be read: dead letters, committed with the checkpoint. */
  rejected: DeadLetter[];
}

export interface FileTailerOptions {
  /** The access log nginx writes (TRAFFIC_ACCESS_LOG). */
  file: string;
  /** Names the file in Redis keys and events: host:path, so several nginx hosts never share a checkpoint. */
  source: string;
  /** Unique per process: whose lease it is. */
  owner: string;
  state: Pick<TailStateRepository, 'acquire' | 'release' | 'load' | 'commit'>;
  /** Handles a batch; `after` is where the file stands past it. A throw retries the same lines. */
  onBatch(batch: TailBatch, after: TailCheckpoint): Promise<void>;
  /** Where to resume when the lease is taken (default: the Redis checkpoint). */
  loadCheckpoint?(): Promise<TailCheckpoint | null>;
  /** The lease was (re)taken: reading restarts from the loaded checkpoint. */
  onResume?(): void;
  onError?(error: unknown): void;
  pollMs?: number;
  leaseMs?: number;
  /** After a rename, nginx writes to the old file until every worker reopens: move on once it was quiet this long. */
  rotateGraceMs?: number;
  maxBatchBytes?: number;
}

interface OpenFile {
  handle: FileHandle;
  inode: string;
  offset: number;
}

const inodeOf = async (file: string): Promise<{ inode: string; size: number } | null> => {
  try {
    const info = await stat(file, { bigint: true });
    return { inode: info.ino.toString(), size: Number(info.size) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

/**
 * Tails nginx's JSON access log, which is the durable buffer between nginx and this service: nothing is lost
 * while the service restarts or lags. The checkpoint (inode, offset past the last whole line) is committed with
 * each batch, after the batch was handled, so a crash replays at most one batch (stored rows are idempotent on
 * $request_id). Rotation by rename: the renamed file is drained to EOF (and until it stayed quiet for a grace, as
 * workers that have not reopened yet still append to it) before the next file is read from 0 (numbered names: .2, then .1, then the log); on a restart the checkpoint's inode is looked up among the
 * log's siblings (access.log.1). Truncation (copytruncate) restarts at 0: the file is shorter than the offset, or the offset no longer follows a newline. One tailer per file: a Redis lease.
 */
export class FileTailer {
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly rotateGraceMs: number;
  private readonly maxBatchBytes: number;
  private current: OpenFile | null = null;
  private leased = false;
  private leaseRenewedAt = 0;
  private rotatedSince: number | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private lag = 0;

  constructor(private readonly options: FileTailerOptions) {
    this.pollMs = options.pollMs ?? 250;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.rotateGraceMs = options.rotateGraceMs ?? 1_000;
    this.maxBatchBytes = options.maxBatchBytes ?? 1024 * 1024;
  }

  /** True while this process holds the file's lease (and so is the one counting it). */
  get leader(): boolean {
    return this.leased;
  }

  /** Bytes written to the current file that are not committed yet. */
  get lagBytes(): number {
    return this.lag;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.close();
    if (this.leased) await this.options.state.release(this.options.source, this.options.owner).catch(() => undefined);
    this.leased = false;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let progressed = false;
      try {
        if (await this.holdLease()) progressed = await this.step();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!progressed && !this.stopped) await sleep(this.leased ? this.pollMs : Math.max(this.pollMs, this.leaseMs / 3));
    }
  }

  private async holdLease(): Promise<boolean> {
    const now = Date.now();
    if (this.leased && now - this.leaseRenewedAt < this.leaseMs / 3) return true;
    const held = await this.options.state.acquire(this.options.source, this.options.owner, this.leaseMs);
    if (held) {
      this.leaseRenewedAt = now;
      if (!this.leased) {
        // Leader only once the checkpoint is loaded: a failed load (Postgres down) must not leave it reading from 0.
        await this.resume();
        this.leased = true;
      }
    } else if (this.leased) {
      await this.lostLease();
    }
    return held;
  }

  private async lostLease(): Promise<void> {
    this.leased = false;
    await this.close();
  }

  /** Opens where the committed checkpoint points: the same file, a renamed one, or the log from 0. */
  private async resume(): Promise<void> {
    await this.close();
    this.options.onResume?.();
    const checkpoint = this.options.loadCheckpoint ? await this.options.loadCheckpoint() : await this.options.state.load(this.options.source);
    const live = await inodeOf(this.options.file);
    if (checkpoint && live?.inode === checkpoint.inode) {
      await this.openAt(this.options.file, checkpoint.offset > live.size ? 0 : checkpoint.offset);
      return;
    }
    const renamed = checkpoint ? await this.findRenamed(checkpoint.inode) : null;
    if (renamed && checkpoint) await this.openAt(renamed, checkpoint.offset);
    else if (live) await this.openAt(this.options.file, 0);
  }

  private async findRenamed(inode: string): Promise<string | null> {
    const dir = path.dirname(this.options.file);
    const base = path.basename(this.options.file);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name === base || !name.startsWith(base)) continue;
      if ((await inodeOf(path.join(dir, name)))?.inode === inode) return path.join(dir, name);
    }
    return null;
  }

  private async openAt(file: string, offset: number): Promise<void> {
    const handle = await open(file, 'r');
    const info = await handle.stat({ bigint: true });
    this.current = { handle, inode: info.ino.toString(), offset };
    this.rotatedSince = null;
  }

  private async close(): Promise<void> {
    const handle = this.current?.handle;
    this.current = null;
    await handle?.close().catch(() => undefined);
  }

  /** Reads and commits one batch, or notices a rotation or truncation; false when there was nothing to do. */
  private async step(): Promise<boolean> {
    if (!this.current) {
      if (!(await inodeOf(this.options.file))) return false;
      await this.openAt(this.options.file, 0);
      await this.commit({ entries: [], rejected: [] });
      return true;
    }
    const file = this.current;
    // The byte before the offset comes too: it ends the last line taken, unless the file was truncated and has
    // grown past the offset again between two polls (then the offset lands inside a line).
    const before = file.offset > 0 ? 1 : 0;
    const read = Buffer.allocUnsafe(this.maxBatchBytes + before);
    const { bytesRead: readTotal } = await file.handle.read(read, 0, read.length, file.offset - before);
    if (before === 1 && readTotal > 0 && read[0] !== 0x0a) return this.truncated(file);
    const buffer = read.subarray(before);
    const bytesRead = Math.max(0, readTotal - before);
    const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (end >= 0) {
      const batch = this.parse(buffer.subarray(0, end + 1), file.offset);
      await this.options.onBatch(batch, { inode: file.inode, offset: file.offset + end + 1 });
      file.offset += end + 1;
      // A renamed file that still grows has workers that did not reopen yet: the grace restarts at its next EOF.
      this.rotatedSince = null;
      await this.commit(batch);
      return true;
    }
    if (bytesRead === buffer.length) {
      // One line longer than a whole batch: not nginx's; skip it as a dead letter.
      const rejected = [{ source: this.options.source, offset: file.offset, reason: 'line too long', line: buffer.toString('utf8', 0, 256) }];
      file.offset += bytesRead;
      await this.commit({ entries: [], rejected });
      return true;
    }
    return this.atEnd(file, bytesRead);
  }

  /** At EOF (or a partial last line): truncated, rotated, or just idle. */
  private async atEnd(file: OpenFile, pending: number): Promise<boolean> {
    const size = Number((await file.handle.stat({ bigint: true })).size);
    if (size < file.offset) return this.truncated(file);
    const live = await inodeOf(this.options.file);
    this.lag = pending + (live && live.inode !== file.inode ? live.size : 0);
    if (!live || live.inode === file.inode) {
      this.rotatedSince = null;
      return false;
    }
    this.rotatedSince ??= Date.now();
    if (Date.now() - this.rotatedSince < this.rotateGraceMs) return false;
    const next = await this.nextFile(file.inode);
    await this.close();
    this.current = next;
    this.rotatedSince = null;
    await this.commit({ entries: [], rejected: [] });
    return true;
  }

  /**
   * The file written after the drained one, from 0. Rotation shifts numbered names (access.log -> .1 -> .2), so
   * after access.log.<k> comes access.log.<k-1>, after .1 the log itself: several rotations between two looks
   * skip nothing while the files exist. A shift between finding the name and opening it is noticed (the opened
   * inode is the drained one) and looked up again.
   */
  private async nextFile(drained: string): Promise<OpenFile> {
    const dir = path.dirname(this.options.file);
    const base = path.basename(this.options.file);
    for (let attempt = 0; ; attempt += 1) {
      let name = this.options.file;
      for (const entry of await readdir(dir).catch(() => [] as string[])) {
        const suffix = /^\.([0-9]+)$/.exec(entry.slice(base.length));
        if (!entry.startsWith(base) || !suffix) continue;
        if ((await inodeOf(path.join(dir, entry)))?.inode !== drained) continue;
        const index = Number(suffix[1]);
        name = index > 1 ? path.join(dir, `${base}.${index - 1}`) : this.options.file;
      }
      const handle = await open(name, 'r');
      const inode = (await handle.stat({ bigint: true })).ino.toString();
      if (inode !== drained || attempt >= 5) return { handle, inode, offset: 0 };
      await handle.close();
    }
  }

  private async truncated(file: OpenFile): Promise<boolean> {
    file.offset = 0;
    await this.commit({ entries: [], rejected: [] });
    return true;
  }

  private parse(bytes: Buffer, startOffset: number): TailBatch {
    const batch: TailBatch = { entries: [], rejected: [] };
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(0x0a, start);
      const line = bytes.toString('utf8', start, newline);
      if (line.trim() !== '') {
        const parsed = parseAccessLine(line);
        if (parsed.ok) batch.entries.push(parsed.entry);
        else batch.rejected.push({ source: this.options.source, offset: startOffset + start, reason: parsed.reason, line });
      }
      start = newline + 1;
    }
    return batch;
  }

  private async commit(batch: TailBatch): Promise<void> {
    const file = this.current!;
    const checkpoint: TailCheckpoint = { inode: file.inode, offset: file.offset };
    const committed = await this.options.state.commit(this.options.source, this.options.owner, checkpoint, batch.rejected);
    if (!committed) await this.lostLease();
  }
}
