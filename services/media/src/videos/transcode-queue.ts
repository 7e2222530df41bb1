import { Queues } from '@castline/contracts';
import type { Jobs } from '@castline/platform';

/** Three attempts, 10 s then 20 s apart; the job id is the video id, so a video is never queued twice. */
export const TRANSCODE_ATTEMPTS = 3;
export const TRANSCODE_BACKOFF_MS = 10_000;

export class TranscodeQueue {
  constructor(private readonly jobs: Jobs) {}

  async enqueue(videoId: string): Promise<void> {
    await this.jobs.queue(Queues.mediaTranscode).add('transcode', { videoId }, {
      jobId: videoId,
      attempts: TRANSCODE_ATTEMPTS,
      backoff: { type: 'exponential', delay: TRANSCODE_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** Removes a waiting or delayed job (a running one ends on the cancelled status); false when there was none. */
  async remove(videoId: string): Promise<boolean> {
    const job = await this.jobs.queue(Queues.mediaTranscode).getJob(videoId);
    if (!job) return false;
    return job.remove().then(() => true, () => false);
  }
}
