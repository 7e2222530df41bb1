import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake S3-compatible object store (node:http, path-style `/<bucket>/<key>`), strict the way MinIO, R2, B2 and
 * friends are: every request must carry a valid SigV4 `Authorization` header (the signature is recomputed and
 * compared), and the flexible-checksum headers the AWS SDK adds by default (`x-amz-checksum-*`,
 * `x-amz-sdk-checksum-algorithm`, `x-amz-trailer`, `aws-chunked` bodies, `x-amz-checksum-mode`) are refused, as
 * such stores refuse them (aws-sdk-js-v3 #6819), except on DeleteObjects where S3 requires a checksum. See
 * README-s3.md.
 */

export type S3Operation =
  | 'PutObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'HeadObject'
  | 'GetObject'
  | 'ListObjectsV2'
  | 'DeleteObject'
  | 'DeleteObjects'
  | 'HeadBucket'
  | 'CreateBucket';

export interface S3FakeOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  /** Smallest part but the last of a multipart upload (S3: 5 MiB). */
  minPartSize?: number;
  /** Refuse the SDK's default checksum headers and aws-chunked bodies (default true). */
  refuseChecksums?: boolean;
  /** ListObjectsV2's largest page (S3: 1000). */
  maxKeys?: number;
}

export interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType?: string;
}

interface MultipartUpload {
  bucket: string;
  key: string;
  parts: Map<number, { body: Buffer; etag: string }>;
}

type Fault = { kind: 'status'; status: number; code: string } | { kind: 'drop'; afterBytes: number } | { kind: 'delay'; ms: number };

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** RFC 3986 encoding as SigV4 canonicalises query strings. */
const strictEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

export class S3Fake {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  private readonly minPartSize: number;
  private readonly refuseChecksums: boolean;
  private readonly maxKeys: number;
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly uploads = new Map<string, MultipartUpload>();
  private readonly faults = new Map<S3Operation, Fault[]>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private down = false;
  /** Requests per operation (refused and faulted ones included), and what was injected or refused. */
  readonly stats = { calls: {} as Partial<Record<S3Operation, number>>, injected: 0, dropped: 0, refusedChecksums: 0, refusedAuth: 0, bytesReceived: 0 };

  constructor(options: S3FakeOptions = {}) {
    this.accessKeyId = options.accessKeyId ?? 'FAKEACCESSKEY';
    this.secretAccessKey = options.secretAccessKey ?? 'fake-secret-access-key';
    this.region = options.region ?? 'us-east-1';
    this.minPartSize = options.minPartSize ?? 5 * 1024 * 1024;
    this.refuseChecksums = options.refuseChecksums ?? true;
    this.maxKeys = options.maxKeys ?? 1000;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the S3 fake is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  /** The stored objects of a bucket (tests read and tamper with them directly). */
  objects(bucket: string): Map<string, StoredObject> {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new Error(`no bucket ${bucket}`);
    return objects;
  }

  /** Multipart uploads begun and neither completed nor aborted. */
  get openUploads(): number {
    return this.uploads.size;
  }

  /** The next `times` requests of `operation` answer `status` (default 500 InternalError). */
  failNext(operation: S3Operation, times = 1, status = 500, code = status >= 500 ? 'InternalError' : 'InvalidRequest'): void {
    this.push(operation, times, { kind: 'status', status, code });
  }

  /** The next `times` requests of `operation` lose their connection after `afterBytes` bytes of the body (request body for uploads, response body for GetObject). */
  dropNext(operation: S3Operation, times = 1, afterBytes = 64 * 1024): void {
    this.push(operation, times, { kind: 'drop', afterBytes });
  }

  /** The next `times` requests of `operation` answer after `ms`. */
  delayNext(operation: S3Operation, times: number, ms: number): void {
    this.push(operation, times, { kind: 'delay', ms });
  }

  /** While down, every request's connection is destroyed at once (a store that is unreachable). */
  setDown(down: boolean): void {
    this.down = down;
  }

  calls(operation: S3Operation): number {
    return this.stats.calls[operation] ?? 0;
  }

  private push(operation: S3Operation, times: number, fault: Fault): void {
    const queue = this.faults.get(operation) ?? [];
    for (let index = 0; index < times; index++) queue.push(fault);
    this.faults.set(operation, queue);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.down) {
      request.socket.destroy();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://fake');
    const rawPath = (request.url ?? '/').split('?')[0]!;
    const [, bucket = '', ...keyParts] = rawPath.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    const query = url.searchParams;
    const operation = operationOf(request.method ?? 'GET', bucket, key, query);
    if (!operation) return this.error(response, 405, 'MethodNotAllowed', `${request.method} ${rawPath} is not supported by the fake`);
    this.stats.calls[operation] = (this.stats.calls[operation] ?? 0) + 1;
    try {
      const auth = this.checkSignature(request, rawPath);
      if (auth) {
        this.stats.refusedAuth++;
        await drain(request);
        return this.error(response, 403, auth.code, auth.message);
      }
      const checksum = this.refuseChecksums && operation !== 'DeleteObjects' ? checksumHeaderOf(request) : undefined;
      if (checksum) {
        this.stats.refusedChecksums++;
        await drain(request);
        return this.error(response, 400, 'InvalidArgument', `unsupported header or encoding ${checksum}: this store does not implement flexible checksums`);
      }
      const fault = this.faults.get(operation)?.shift();
      if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (fault?.kind === 'status') {
        this.stats.injected++;
        await drain(request);
        return this.error(response, fault.status, fault.code, 'injected fault');
      }
      const drop = fault?.kind === 'drop' ? fault.afterBytes : undefined;
      const hasBody = operation === 'PutObject' || operation === 'UploadPart' || operation === 'CompleteMultipartUpload' || operation === 'DeleteObjects';
      const body = hasBody ? await readBody(request, drop) : Buffer.alloc(0);
      if (body === undefined) {
        this.stats.injected++;
        this.stats.dropped++;
        return;
      }
      this.stats.bytesReceived += body.length;
      const declared = request.headers['x-amz-content-sha256'];
      if (hasBody && declared && declared !== 'UNSIGNED-PAYLOAD' && declared !== sha256Hex(body)) {
        return this.error(response, 400, 'XAmzContentSHA256Mismatch', 'the body does not match x-amz-content-sha256');
      }
      if (operation === 'CreateBucket') {
        this.createBucket(bucket);
        return this.reply(response, 200);
      }
      const objects = this.buckets.get(bucket);
      if (!objects) return this.error(response, 404, 'NoSuchBucket', `bucket ${bucket} does not exist`);
      await this.dispatch(operation, { request, response, bucket, key, query, body, objects, drop });
    } catch (error) {
      if (!response.headersSent) this.error(response, 500, 'InternalError', (error as Error).message);
      else response.destroy();
    }
  }

  private async dispatch(
    operation: S3Operation,
    context: { request: IncomingMessage; response: ServerResponse; bucket: string; key: string; query: URLSearchParams; body: Buffer; objects: Map<string, StoredObject>; drop?: number },
  ): Promise<void> {
    const { request, response, bucket, key, query, body, objects } = context;
    switch (operation) {
      case 'HeadBucket':
        return this.reply(response, 200);
      case 'PutObject': {
        const stored = { body, etag: `"${md5(body)}"`, lastModified: new Date(), contentType: request.headers['content-type'] };
        objects.set(key, stored);
        return this.reply(response, 200, '', { ETag: stored.etag });
      }
      case 'CreateMultipartUpload': {
        const uploadId = randomUUID();
        this.uploads.set(uploadId, { bucket, key, parts: new Map() });
        return this.reply(response, 200, `<InitiateMultipartUploadResult><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
      }
      case 'UploadPart': {
        const upload = this.uploads.get(query.get('uploadId') ?? '');
        if (!upload || upload.key !== key) return this.error(response, 404, 'NoSuchUpload', 'the upload does not exist');
        const etag = `"${md5(body)}"`;
        upload.parts.set(Number(query.get('partNumber')), { body, etag });
        return this.reply(response, 200, '', { ETag: etag });
      }
      case 'CompleteMultipartUpload': {
        const uploadId = query.get('uploadId') ?? '';
        const upload = this.uploads.get(uploadId);
        if (!upload || upload.key !== key) return this.error(response, 404, 'NoSuchUpload', 'the upload does not exist');
        const listed = [...body.toString('utf8').matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((match) => ({
          number: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(match[1]!)?.[1]),
          etag: /<ETag>([^<]*)<\/ETag>/.exec(match[1]!)?.[1]?.replace(/&quot;/g, '"'),
        }));
        if (listed.length === 0) return this.error(response, 400, 'MalformedXML', 'no parts listed');
        const buffers: Buffer[] = [];
        for (const [index, part] of listed.entries()) {
          const stored = upload.parts.get(part.number);
          if (!stored || stored.etag !== part.etag) return this.error(response, 400, 'InvalidPart', `part ${part.number} was not uploaded or its ETag differs`);
          if (index > 0 && part.number <= listed[index - 1]!.number) return this.error(response, 400, 'InvalidPartOrder', 'parts must be in ascending order');
          if (index < listed.length - 1 && stored.body.length < this.minPartSize) return this.error(response, 400, 'EntityTooSmall', `part ${part.number} is smaller than ${this.minPartSize} bytes`);
          buffers.push(stored.body);
        }
        const whole = Buffer.concat(buffers);
        const etag = `"${md5(Buffer.concat(listed.map((part) => Buffer.from(md5(upload.parts.get(part.number)!.body), 'hex'))))}-${listed.length}"`;
        objects.set(key, { body: whole, etag, lastModified: new Date() });
        this.uploads.delete(uploadId);
        return this.reply(response, 200, `<CompleteMultipartUploadResult><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${escapeXml(etag)}</ETag></CompleteMultipartUploadResult>`);
      }
      case 'AbortMultipartUpload':
        this.uploads.delete(query.get('uploadId') ?? '');
        return this.reply(response, 204);
      case 'HeadObject':
      case 'GetObject': {
        const stored = objects.get(key);
        if (!stored) return operation === 'HeadObject' ? this.reply(response, 404) : this.error(response, 404, 'NoSuchKey', `${key} does not exist`);
        const headers = { ETag: stored.etag, 'Content-Length': String(stored.body.length), 'Last-Modified': stored.lastModified.toUTCString(), 'Content-Type': stored.contentType ?? 'application/octet-stream' };
        if (operation === 'HeadObject') {
          response.writeHead(200, headers);
          return void response.end();
        }
        response.writeHead(200, headers);
        return this.stream(response, stored.body, context.drop);
      }
      case 'ListObjectsV2': {
        const prefix = query.get('prefix') ?? '';
        const maxKeys = Math.min(Number(query.get('max-keys') ?? this.maxKeys), this.maxKeys);
        const after = query.get('continuation-token') ? Buffer.from(query.get('continuation-token')!, 'base64url').toString('utf8') : (query.get('start-after') ?? '');
        const keys = [...objects.keys()].filter((item) => item.startsWith(prefix) && item > after).sort();
        const page = keys.slice(0, maxKeys);
        const truncated = keys.length > page.length;
        const contents = page
          .map((item) => {
            const stored = objects.get(item)!;
            return `<Contents><Key>${escapeXml(item)}</Key><LastModified>${stored.lastModified.toISOString()}</LastModified><ETag>${escapeXml(stored.etag)}</ETag><Size>${stored.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
          })
          .join('');
        const next = truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!, 'utf8').toString('base64url')}</NextContinuationToken>` : '';
        return this.reply(
          response,
          200,
          `<ListBucketResult><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
        );
      }
      case 'DeleteObject':
        objects.delete(key);
        return this.reply(response, 204);
      case 'DeleteObjects': {
        const keys = [...body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => unescapeXml(match[1]!));
        for (const item of keys) objects.delete(item);
        return this.reply(response, 200, `<DeleteResult>${keys.map((item) => `<Deleted><Key>${escapeXml(item)}</Key></Deleted>`).join('')}</DeleteResult>`);
      }
    }
  }

  /** Writes the body in 16 KiB chunks; with `drop`, destroys the socket after that many bytes. */
  private async stream(response: ServerResponse, body: Buffer, drop?: number): Promise<void> {
    // A drop always cuts the body short: at `drop` bytes, or one byte before the end of a smaller body.
    const limit = drop === undefined ? body.length : Math.max(0, Math.min(drop, body.length - 1));
    for (let offset = 0; offset < limit; offset += 16 * 1024) {
      const chunk = body.subarray(offset, Math.min(offset + 16 * 1024, limit));
      if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
    }
    if (drop !== undefined) {
      this.stats.injected++;
      this.stats.dropped++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      response.socket?.destroy();
      return;
    }
    response.end();
  }

  private reply(response: ServerResponse, status: number, xml = '', headers: Record<string, string> = {}): void {
    response.writeHead(status, { ...headers, ...(xml ? { 'Content-Type': 'application/xml' } : {}), 'x-amz-request-id': randomUUID() });
    response.end(xml ? `<?xml version="1.0" encoding="UTF-8"?>\n${xml}` : undefined);
  }

  private error(response: ServerResponse, status: number, code: string, message: string): void {
    this.reply(response, status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`);
  }

  /**
   * Full SigV4 header-signature check: the canonical request is rebuilt from the request as received (S3 rules:
   * the path as sent, not double-encoded; the payload hash from x-amz-content-sha256), signed with the secret and
   * compared. Undefined when valid.
   */
  private checkSignature(request: IncomingMessage, rawPath: string): { code: string; message: string } | undefined {
    const header = request.headers.authorization;
    const match = header ? /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(header) : null;
    if (!match) return { code: 'AccessDenied', message: 'a SigV4 Authorization header is required' };
    const [, accessKeyId, day, region, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string];
    if (accessKeyId !== this.accessKeyId) return { code: 'InvalidAccessKeyId', message: 'the access key id does not exist' };
    if (region !== this.region) return { code: 'AuthorizationHeaderMalformed', message: `the region ${region} is wrong; expecting ${this.region}` };
    const amzDate = String(request.headers['x-amz-date'] ?? '');
    if (!amzDate.startsWith(day)) return { code: 'AccessDenied', message: 'x-amz-date does not match the credential scope' };
    const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
    if (!payloadHash) return { code: 'InvalidRequest', message: 'x-amz-content-sha256 is required' };
    const rawQuery = (request.url ?? '').includes('?') ? (request.url ?? '').slice((request.url ?? '').indexOf('?') + 1) : '';
    const canonicalQuery = rawQuery
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [name = '', value = ''] = pair.split('=');
        return [strictEncode(decodeURIComponent(name)), strictEncode(decodeURIComponent(value.replace(/\+/g, '%20')))] as const;
      })
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join('&');
    const names = signedHeaders.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date')) return { code: 'AccessDenied', message: 'host and x-amz-date must be signed' };
    const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
    const canonicalRequest = [request.method, rawPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${this.secretAccessKey}`, day), region), 's3'), 'aws4_request');
    const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { code: 'SignatureDoesNotMatch', message: 'the request signature we calculated does not match the signature you provided' };
    }
    return undefined;
  }
}

function unescapeXml(value: string): string {
  return value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function operationOf(method: string, bucket: string, key: string, query: URLSearchParams): S3Operation | undefined {
  if (!bucket) return undefined;
  if (!key) {
    if (method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2';
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'PUT') return 'CreateBucket';
    return undefined;
  }
  if (method === 'PUT') return query.has('uploadId') ? 'UploadPart' : 'PutObject';
  if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'DELETE') return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'GET') return 'GetObject';
  return undefined;
}

/** The first flexible-checksum header or aws-chunked encoding the request carries, as strict stores refuse them. */
function checksumHeaderOf(request: IncomingMessage): string | undefined {
  for (const name of Object.keys(request.headers)) {
    if (name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm' || name === 'x-amz-trailer') return name;
  }
  if (String(request.headers['content-encoding'] ?? '').includes('aws-chunked')) return 'content-encoding: aws-chunked';
  if (String(request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')) return `x-amz-content-sha256: ${String(request.headers['x-amz-content-sha256'])}`;
  return undefined;
}

async function drain(request: IncomingMessage): Promise<void> {
  for await (const _chunk of request) {
    // discard
  }
}

/** The whole request body; with `dropAfter`, the socket is destroyed once that many bytes arrived (undefined). */
async function readBody(request: IncomingMessage, dropAfter?: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (dropAfter !== undefined && size >= dropAfter) {
      request.socket.destroy();
      return undefined;
    }
  }
  if (dropAfter !== undefined) {
    request.socket.destroy();
    return undefined;
  }
  return Buffer.concat(chunks);
}

/**
 * Runs the fake alone: `node packages/testkit/dist/fakes/s3.fake.js` (S3_FAKE_PORT, default 4630; bucket
 * S3_FAKE_BUCKET, default castline-backups; credentials S3_FAKE_ACCESS_KEY_ID / S3_FAKE_SECRET_ACCESS_KEY).
 */
if (require.main === module) {
  const fake = new S3Fake({ accessKeyId: process.env.S3_FAKE_ACCESS_KEY_ID, secretAccessKey: process.env.S3_FAKE_SECRET_ACCESS_KEY });
  fake.createBucket(process.env.S3_FAKE_BUCKET ?? 'castline-backups');
  fake
    .start(Number(process.env.S3_FAKE_PORT ?? 4630))
    .then(() => {
      process.stdout.write(`S3 fake: ${fake.url} bucket ${process.env.S3_FAKE_BUCKET ?? 'castline-backups'} access key ${fake.accessKeyId} secret ${fake.secretAccessKey} region ${fake.region}\n`);
      const stop = () => void fake.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
