'use client';

import { UploadIcon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Upload } from 'tus-js-client';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Progress } from '@/components/ui/progress';
import { getAccessToken, refreshSession } from '@/lib/api';
import { formatBytes, formatDuration } from '@/lib/format';

/** tus PATCH size: nginx's body limit for the tus location is 64 MiB. */
export const UPLOAD_CHUNK_BYTES = 50 * 1024 * 1024;
const TUS_ENDPOINT = '/api/v1/media/tus';

interface Transfer {
  sent: number;
  total: number;
  /** Bytes per second over the last few seconds. */
  speed: number;
  /** A previous, interrupted upload of this file was found and continued. */
  resumed: boolean;
  /** offline: the browser lost the network; the upload goes on by itself when it is back. */
  state: 'uploading' | 'paused' | 'offline' | 'done' | 'failed';
  error?: string;
}

/**
 * Resumable upload (tus, 50 MiB chunks) straight to nginx -> media; every request carries the session's
 * token (nginx asks the gateway). A network cut pauses and retries; after a reload, choosing the same file
 * again resumes where the server stopped (tus-js-client keeps the upload URL in localStorage).
 */
export function UploadDialog({ onUploaded }: { onUploaded: () => void }) {
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const upload = useRef<Upload | null>(null);
  const samples = useRef<Array<{ at: number; sent: number }>>([]);
  const noNginx = process.env.NEXT_PUBLIC_NO_NGINX === '1';

  useEffect(() => () => void upload.current?.abort(), []);

  const start = async () => {
    if (!file) return;
    samples.current = [];
    const tus = new Upload(file, {
      endpoint: TUS_ENDPOINT,
      chunkSize: UPLOAD_CHUNK_BYTES,
      retryDelays: [0, 1_000, 3_000, 5_000, 10_000, 20_000, 30_000],
      metadata: { filename: file.name, filetype: file.type, title: title.trim() || file.name.replace(/\.[^.]+$/, '') },
      removeFingerprintOnSuccess: true,
      async onBeforeRequest(request) {
        const token = getAccessToken() ?? (await refreshSession().catch(() => null))?.accessToken;
        if (token) request.setHeader('Authorization', `Bearer ${token}`);
      },
      onProgress(sent, total) {
        const now = Date.now();
        samples.current = [...samples.current.filter((sample) => now - sample.at < 5_000), { at: now, sent }];
        const first = samples.current[0]!;
        const speed = now > first.at ? ((sent - first.sent) * 1000) / (now - first.at) : 0;
        setTransfer((current) => ({ resumed: current?.resumed ?? false, sent, total, speed, state: 'uploading' }));
      },
      onError(error) {
        // tus-js-client does not retry while the browser is offline: wait for the network, then continue from
        // the offset the server kept (start() asks it with HEAD).
        if (!navigator.onLine) {
          setTransfer((current) => ({ ...(current ?? { sent: 0, total: file.size, speed: 0, resumed: false }), state: 'offline' }));
          window.addEventListener(
            'online',
            () => {
              if (upload.current !== tus) return;
              setTransfer((current) => (current ? { ...current, state: 'uploading', resumed: true } : current));
              tus.start();
            },
            { once: true },
          );
          return;
        }
        setTransfer((current) => ({ ...(current ?? { sent: 0, total: file.size, speed: 0, resumed: false }), state: 'failed', error: error.message }));
      },
      onSuccess() {
        setTransfer((current) => (current ? { ...current, state: 'done', sent: current.total } : current));
        onUploaded();
      },
    });
    upload.current = tus;
    const previous = await tus.findPreviousUploads();
    if (previous[0]) tus.resumeFromPreviousUpload(previous[0]);
    setTransfer({ sent: 0, total: file.size, speed: 0, resumed: previous.length > 0, state: 'uploading' });
    tus.start();
  };

  const pause = () => {
    void upload.current?.abort();
    setTransfer((current) => (current ? { ...current, state: 'paused' } : current));
  };
  const resume = () => {
    upload.current?.start();
    setTransfer((current) => (current ? { ...current, state: 'uploading' } : current));
  };

  const reset = () => {
    void upload.current?.abort();
    upload.current = null;
    setFile(null);
    setTitle('');
    setTransfer(null);
  };

  const percent = transfer && transfer.total > 0 ? Math.floor((transfer.sent / transfer.total) * 100) : 0;
  const eta = transfer && transfer.speed > 0 ? (transfer.total - transfer.sent) / transfer.speed : null;

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        // Closing keeps a running (or network-waiting) upload going; a finished or failed one is cleared.
        if (!next && transfer && transfer.state !== 'uploading' && transfer.state !== 'offline') reset();
        setOpen(next);
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <UploadIcon aria-hidden /> Upload video
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Upload a video</DialogTitle>
          <DialogDescription>
            MP4, MOV, MKV, WebM, TS… up to the server&apos;s limit. Interrupted uploads resume: choose the same file again after a reload.
          </DialogDescription>
        </DialogHeader>
        {noNginx ? (
          <p className="text-sm text-destructive">Uploads go through nginx (tus, auth_request): start Castline with nginx to upload videos.</p>
        ) : (
          <div className="grid gap-4">
            <div className="grid gap-2">
              <Label htmlFor="upload-file">File</Label>
              <Input
                id="upload-file"
                type="file"
                accept="video/*,.mkv,.ts,.m2ts,.mov"
                disabled={transfer?.state === 'uploading' || transfer?.state === 'offline'}
                onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              />
            </div>
            <div className="grid gap-2">
              <Label htmlFor="upload-title">Title</Label>
              <Input id="upload-title" value={title} maxLength={200} placeholder={file?.name.replace(/\.[^.]+$/, '') ?? 'From the file name'} onChange={(event) => setTitle(event.target.value)} />
            </div>
            {transfer && (
              <div className="grid gap-2" aria-live="polite">
                <Progress value={percent} aria-label="Upload progress" />
                <p className="text-sm text-muted-foreground" data-testid="upload-status">
                  {transfer.state === 'done'
                    ? `Uploaded ${formatBytes(transfer.total)}: processing starts now.`
                    : transfer.state === 'failed'
                      ? `Upload failed: ${transfer.error ?? 'unknown error'}`
                      : `${formatBytes(transfer.sent)} of ${formatBytes(transfer.total)} (${percent} %)` +
                        (transfer.state === 'paused'
                          ? ', paused'
                          : transfer.state === 'offline'
                            ? ', waiting for the network'
                            : `, ${formatBytes(transfer.speed)}/s${eta !== null ? `, ${formatDuration(eta)} left` : ''}`) +
                        (transfer.resumed ? ', resumed' : '')}
                </p>
              </div>
            )}
          </div>
        )}
        <DialogFooter>
          {transfer?.state === 'uploading' && (
            <Button variant="outline" onClick={pause}>
              Pause
            </Button>
          )}
          {transfer?.state === 'paused' && <Button onClick={resume}>Resume</Button>}
          {transfer?.state === 'failed' && <Button onClick={() => void start()}>Retry</Button>}
          {transfer?.state === 'done' && (
            <Button variant="outline" onClick={reset}>
              Upload another
            </Button>
          )}
          {!transfer && (
            <Button disabled={!file || noNginx} onClick={() => void start()}>
              Start upload
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
