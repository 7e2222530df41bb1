import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** Where off-host copies go and how to sign for it. */
export interface OffsiteTarget {
  /** Unset: AWS S3 itself (by region). */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Key prefix, e.g. `castline/`: a backup's files are `<prefix><backup name>/<file>`. */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  partSizeBytes: number;
  /** Attempts per request (SDK standard retry with backoff). */
  maxAttempts: number;
  /** A request whose socket stays idle this long (a hung or very slow store) fails and is retried. */
  requestTimeoutMs: number;
}

export interface RemoteObject {
  key: string;
  size: number;
}

/**
 * The S3-compatible store behind off-host copies (every outside touch goes through here). Checksums are
 * calculated and validated only WHEN_REQUIRED: S3-compatible stores refuse the SDK's default flexible
 * checksums and aws-chunked trailers (aws-sdk-js-v3 #6819); integrity is ours anyway (sha256 per file in the
 * manifest, sizes checked by HEAD after each upload).
 */
export class OffsiteStore {
  private readonly client: S3Client;
  /** Requests sent (every attempt) and commands issued: their difference is the SDK's retries. */
  private attempts = 0;
  private commands = 0;

  constructor(readonly target: OffsiteTarget) {
    this.client = new S3Client({
      endpoint: target.endpoint,
      region: target.region,
      forcePathStyle: true,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      maxAttempts: target.maxAttempts,
      requestHandler: { connectionTimeout: Math.min(10_000, target.requestTimeoutMs), requestTimeout: target.requestTimeoutMs, throwOnRequestTimeout: true },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.client.middlewareStack.add(
      (next) => (args) => {
        this.commands++;
        return next(args);
      },
      { step: 'initialize', name: 'castlineCommandCounter' },
    );
    const countAttempt = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
      this.attempts++;
      return next(args);
    };
    this.client.middlewareStack.addRelativeTo(
      countAttempt as never,
      { relation: 'after', toMiddleware: 'retryMiddleware', name: 'castlineAttemptCounter' },
    );
  }

  /** Request retries the SDK made so far (500s, dropped connections, throttling). */
  get retries(): number {
    return Math.max(0, this.attempts - this.commands);
  }

  keyOf(backupName: string, file = ''): string {
    return `${this.target.prefix}${backupName}/${file}`;
  }

  /**
   * Streams a file from disk: one PutObject below the part size, else a multipart upload with parts of
   * `partSizeBytes` one at a time (memory stays at about one part; a failed upload is aborted). Then HEAD: the
   * stored size must be the file's.
   */
  async upload(localPath: string, key: string, size: number): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.target.bucket, Key: key, Body: createReadStream(localPath), ContentLength: size, ContentType: 'application/octet-stream' },
      partSize: this.target.partSizeBytes,
      queueSize: 1,
      leavePartsOnError: false,
    });
    await upload.done();
    const stored = await this.head(key);
    if (stored !== size) throw new Error(`${key}: the store holds ${stored ?? 'nothing'} bytes, the file has ${size}`);
  }

  /** The stored size, or undefined when there is no such object. */
  async head(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: key }));
      return head.ContentLength;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  /** Every object under `prefix` (all pages). */
  async list(prefix: string): Promise<RemoteObject[]> {
    const objects: RemoteObject[] = [];
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.target.bucket, Prefix: prefix })) {
      for (const item of page.Contents ?? []) if (item.Key) objects.push({ key: item.Key, size: item.Size ?? 0 });
    }
    return objects;
  }

  /** Streams an object to `localPath` and checks its length. */
  async download(key: string, localPath: string, size: number): Promise<void> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: key }));
    await pipeline(object.Body as Readable, createWriteStream(localPath));
    const { size: written } = await stat(localPath);
    if (written !== size) throw new Error(`${key}: fetched ${written} bytes, the store lists ${size}`);
  }

  /** Deletes every object under `prefix`, 1000 keys per request. */
  async deletePrefix(prefix: string): Promise<number> {
    const keys = (await this.list(prefix)).map((item) => item.key);
    for (let index = 0; index < keys.length; index += 1000) {
      const batch = keys.slice(index, index + 1000);
      const result = await this.client.send(new DeleteObjectsCommand({ Bucket: this.target.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      if (result.Errors?.length) throw new Error(`delete ${result.Errors[0]!.Key}: ${result.Errors[0]!.Message}`);
    }
    return keys.length;
  }

  close(): void {
    this.client.destroy();
  }
}
