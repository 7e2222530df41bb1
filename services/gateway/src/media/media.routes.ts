import { ListVideosSchema, Rpc, UpdateVideoBodySchema } from '@castline/contracts';
import { forward, forwardController } from '../common/forward';

/** The video library (issue 13), answered by media. Uploads go through nginx straight to media (tus). */
export const MediaVideosController = forwardController('MediaVideosController', 'media/videos', 'media', [
  forward({
    name: 'list',
    method: 'GET',
    path: '',
    permission: 'media:read',
    rpc: Rpc.media.list,
    summary: 'List videos, newest first (filter by status, search the title)',
    query: ListVideosSchema,
  }),
  forward({ name: 'get', method: 'GET', path: ':id', permission: 'media:read', rpc: Rpc.media.get, summary: 'One video with its versions (rungs, MP4, poster, sprite)' }),
  forward({
    name: 'update',
    method: 'PATCH',
    path: ':id',
    permission: 'media:write',
    rpc: Rpc.media.update,
    audit: { action: 'media.videos.update', targetType: 'video' },
    summary: 'Change the title or the visibility (public | private)',
    body: UpdateVideoBodySchema,
    request: ({ id, body }) => ({ id, changes: body }),
  }),
  forward({
    name: 'delete',
    method: 'DELETE',
    path: ':id',
    permission: 'media:write',
    rpc: Rpc.media.delete,
    audit: { action: 'media.videos.delete', targetType: 'video' },
    summary: 'Delete a video: a running transcode is cancelled, then the rows and every file go',
  }),
  forward({
    name: 'reprocess',
    method: 'POST',
    path: ':id/reprocess',
    permission: 'media:write',
    rpc: Rpc.media.reprocess,
    audit: { action: 'media.videos.reprocess', targetType: 'video' },
    summary: 'Transcode a ready, failed or cancelled video again from its original',
    status: 200,
  }),
]);
