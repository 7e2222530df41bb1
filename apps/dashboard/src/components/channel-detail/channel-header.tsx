'use client';

import { CopyIcon, LinkIcon, PencilIcon, PlayIcon, RotateCwIcon, SquareIcon, Trash2Icon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { type ReactNode, useState } from 'react';
import { toast } from 'sonner';
import { ChannelFormDialog } from '@/components/channels/channel-form-dialog';
import { ChannelStatusBadge } from '@/components/channels/channel-status-badge';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { api, describeError } from '@/lib/api';
import { copyText } from '@/lib/clipboard';
import { type Channel, type ChannelAction, useChannelAction, useDeleteChannel, useRevokePlayback } from '@/lib/channels';

/** A channel should run: starting, running, or failing while its worker retries. */
const isOn = (channel: Channel) => channel.desiredState === 'running' || channel.status === 'running' || channel.status === 'starting';

async function playbackUrl(channel: Channel): Promise<string> {
  const path = channel.playbackPath ?? (await api<{ url: string }>(`/channels/${channel.id}/playback`)).url;
  return new URL(path, window.location.origin).toString();
}

/** Name, status, slug, playback URL and the channel's actions (write actions only for channels:write). */
export function ChannelHeader({ channel, canWrite, connection }: { channel: Channel; canWrite: boolean; connection: ReactNode }) {
  const router = useRouter();
  const action = useChannelAction();
  const remove = useDeleteChannel();
  const revoke = useRevokePlayback();
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const signed = channel.playback === 'signed';
  const on = isOn(channel);
  const busy = action.isPending || channel.status === 'stopping';
  const run = (kind: ChannelAction) => action.mutate({ id: channel.id, action: kind, name: channel.name });

  // The API refuses to delete a channel that should run: it is stopped first, and deleted once stopped.
  const deleteChannel = () => remove.mutate({ id: channel.id, name: channel.name, stopFirst: on }, { onSuccess: () => router.push('/channels') });

  const copyPlayback = async () => {
    try {
      const url = await playbackUrl(channel);
      await copyText(url);
      toast.success('Playback URL copied', { description: channel.playback === 'signed' ? `${url} (signed, it expires)` : url });
    } catch (error) {
      toast.error(`Could not copy the playback URL: ${describeError(error)}`);
    }
  };

  const description = (
    <span className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
      <ChannelStatusBadge status={channel.status} />
      {connection}
      <span className="font-mono text-xs">{channel.slug}</span>
      <span className="inline-flex min-w-0 items-center gap-1">
        <span className="max-w-[22rem] truncate font-mono text-xs" title={channel.playbackPath ?? undefined}>
          {channel.playbackPath ?? 'signed playback URL'}
        </span>
        <Button variant="ghost" size="icon-sm" className="size-7" aria-label="Copy playback URL" onClick={() => void copyPlayback()}>
          <CopyIcon className="size-3.5" aria-hidden />
        </Button>
      </span>
    </span>
  );

  const actions = canWrite ? (
    <>
      {on ? (
        <Button variant="outline" size="sm" aria-label="Stop channel" disabled={busy} onClick={() => run('stop')}>
          <SquareIcon aria-hidden /> Stop
        </Button>
      ) : (
        <Button size="sm" aria-label="Start channel" disabled={busy} onClick={() => run('start')}>
          <PlayIcon aria-hidden /> Start
        </Button>
      )}
      {on && (
        <Button variant="outline" size="sm" aria-label="Restart channel" disabled={busy} onClick={() => run('restart')}>
          <RotateCwIcon aria-hidden /> Restart
        </Button>
      )}
      <Button variant="outline" size="sm" onClick={() => setEditing(true)}>
        <PencilIcon aria-hidden /> Edit
      </Button>
      {signed && (
        <Button variant="outline" size="sm" disabled={revoke.isPending} onClick={() => setConfirmRevoke(true)}>
          <LinkIcon aria-hidden /> Revoke links
        </Button>
      )}
      <Button variant="outline" size="sm" className="text-destructive hover:text-destructive" onClick={() => setConfirmDelete(true)}>
        <Trash2Icon aria-hidden /> Delete
      </Button>
    </>
  ) : undefined;

  return (
    <>
      <PageHeader title={channel.name} description={description} actions={actions} />
      {canWrite && (
        <>
          <ChannelFormDialog channel={channel} open={editing} onOpenChange={setEditing} />
          <ConfirmDialog
            open={confirmDelete}
            onOpenChange={setConfirmDelete}
            title={`Delete ${channel.name}?`}
            description={
              on
                ? 'The channel is running: it is stopped first, then deleted with its settings. Its playback URL stops working.'
                : 'The channel and its settings are deleted. Its playback URL stops working.'
            }
            confirmLabel="Delete channel"
            onConfirm={deleteChannel}
          />
          {signed && (
            <ConfirmDialog
              open={confirmRevoke}
              onOpenChange={setConfirmRevoke}
              title={`Revoke the playback links of ${channel.name}?`}
              description={
                <>
                  Every signed playback link handed out so far stops working at once, for every viewer and player
                  that has one; they need a new link (Copy playback URL).
                  {on ? ' The channel restarts, so its output pauses for a few seconds.' : ''}
                </>
              }
              confirmLabel="Revoke links"
              onConfirm={() => revoke.mutate({ id: channel.id, name: channel.name })}
            />
          )}
        </>
      )}
    </>
  );
}
