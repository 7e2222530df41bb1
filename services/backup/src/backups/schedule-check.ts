import { AppError } from '@castline/platform';
import { defaultRepeatStrategy } from 'bullmq';

/** Refuses a time zone or cron expression BullMQ could not run, naming the field (400). */
export function checkCron(field: string, pattern: string | null | undefined, timezone: string): void {
  if (!pattern) return;
  try {
    defaultRepeatStrategy(Date.now(), { pattern, tz: timezone });
  } catch (error) {
    const message = `invalid cron expression "${pattern}": ${error instanceof Error ? error.message : String(error)}`;
    throw AppError.badRequest(`${field}: ${message}`, { fields: [{ path: field, message }] });
  }
}

export function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    const message = `unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin)`;
    throw AppError.badRequest(`scheduleTimezone: ${message}`, { fields: [{ path: 'scheduleTimezone', message }] });
  }
}
