import type { CreateChannel } from '@castline/contracts';
import { AppError } from '@castline/platform';
import { defaultRepeatStrategy } from 'bullmq';

type Schedule = NonNullable<CreateChannel['schedule']>;

/**
 * Refuses a schedule BullMQ could not run, with the field and the reason: an unknown IANA time zone, or a cron
 * expression cron-parser (BullMQ's own parser, reached through its repeat strategy) rejects.
 */
export function checkSchedule(schedule: Schedule): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: schedule.timezone });
  } catch {
    throw invalid('timezone', `unknown time zone "${schedule.timezone}" (use an IANA name such as Europe/Berlin)`);
  }
  for (const field of ['start', 'stop'] as const) {
    try {
      defaultRepeatStrategy(Date.now(), { pattern: schedule[field], tz: schedule.timezone });
    } catch (error) {
      throw invalid(field, `invalid cron expression "${schedule[field]}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const invalid = (field: string, message: string) =>
  AppError.badRequest(`schedule.${field}: ${message}`, { fields: [{ path: `schedule.${field}`, message }] });
