import { AppError } from '@castline/platform';
import { runScheduleJob } from './schedule-worker';

const channelId = '4f6c1a52-58d4-4f0e-9d0c-2f7c1f0c8b11';

describe('runScheduleJob', () => {
  const service = () => ({
    start: jest.fn(async () => ({ status: 'starting' })),
    stop: jest.fn(async () => ({ status: 'stopping' })),
  });

  it('starts the channel of a start job', async () => {
    const channels = service();
    await expect(runScheduleJob(channels as never, { channelId, action: 'start' })).resolves.toBe('starting');
    expect(channels.start).toHaveBeenCalledWith(channelId);
    expect(channels.stop).not.toHaveBeenCalled();
  });

  it('stops the channel of a stop job', async () => {
    const channels = service();
    await expect(runScheduleJob(channels as never, { channelId, action: 'stop' })).resolves.toBe('stopping');
    expect(channels.stop).toHaveBeenCalledWith(channelId);
    expect(channels.start).not.toHaveBeenCalled();
  });

  it('treats a channel deleted meanwhile as done, and rethrows anything else', async () => {
    const channels = service();
    channels.start.mockRejectedValueOnce(AppError.notFound('Channel'));
    await expect(runScheduleJob(channels as never, { channelId, action: 'start' })).resolves.toBe('deleted');
    channels.stop.mockRejectedValueOnce(new Error('database down'));
    await expect(runScheduleJob(channels as never, { channelId, action: 'stop' })).rejects.toThrow('database down');
  });
});
