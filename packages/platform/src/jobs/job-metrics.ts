import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type JobOutcome = 'completed' | 'failed' | 'handed_back';

/** Per-queue job counters for a worker process's /metrics. */
export class JobMetrics {
  private readonly active: Gauge<'queue'>;
  private readonly finished: Counter<'queue' | 'outcome'>;
  private readonly duration: Histogram<'queue' | 'outcome'>;

  constructor(registry: Registry) {
    this.active = new Gauge({ name: 'castline_jobs_active', help: 'Jobs this process runs now, by queue', labelNames: ['queue'], registers: [registry] });
    this.finished = new Counter({
      name: 'castline_jobs_finished_total',
      help: 'Jobs this process finished, by queue and outcome (completed, failed, handed_back)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'castline_job_duration_seconds',
      help: 'How long jobs ran in this process, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.1, 1, 10, 60, 600, 3600, 86_400],
      registers: [registry],
    });
  }

  /** Call when a job starts; call the result with its outcome when it ends. */
  started(queue: string): (outcome: JobOutcome) => void {
    this.active.inc({ queue });
    const end = this.duration.startTimer({ queue });
    return (outcome) => {
      this.active.dec({ queue });
      this.finished.inc({ queue, outcome });
      end({ outcome });
    };
  }
}
