import { ErrorCodes, OutputProfileSchema, PasswordSchema } from '@castline/contracts';
import { z } from 'zod';
import { ApiError } from './api';
import { formIssueMessage, placeServerError, valueAt } from './form-errors';

const messages = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value, { error: formIssueMessage });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('formIssueMessage', () => {
  it('words the generic number checks of the contracts for a person', () => {
    const profile = { width: 1281, height: 720, fps: 0, gopSeconds: 1.5, crf: null, bitrateKbps: null };
    expect(messages(OutputProfileSchema, profile)).toEqual(expect.arrayContaining(['width: An even number', 'fps: At least 1', 'gopSeconds: A whole number']));
    expect(messages(OutputProfileSchema, { fps: null })).toContain('fps: Required');
    expect(messages(OutputProfileSchema, { fps: 61 })).toContain('fps: At most 60');
  });

  it("keeps a message the contract wrote itself, and the schema's cross-field rules", () => {
    expect(messages(PasswordSchema, 'short')).toEqual([': must be at least 12 characters']);
    expect(messages(OutputProfileSchema, { crf: null, bitrateKbps: null })).toContain('crf: give crf or bitrateKbps');
  });
});

describe('placeServerError', () => {
  const values = { name: 'News', slug: '', sources: [{ url: 'udp://a' }, { url: 'file:///etc/passwd' }], logo: null, profile: { width: 1280 } };
  const hasField = (name: string) => valueAt(values, name) !== undefined;
  const refusal = (status: number, code: string, message: string, fields?: Array<{ path: string; message: string }>) =>
    new ApiError(status, code, message, fields ? { fields } : undefined);

  it('puts a 409 that names its field on that field, with nothing above the form', () => {
    const taken = refusal(409, ErrorCodes.conflict, 'The slug "demo" is taken', [{ path: 'slug', message: 'The slug "demo" is taken' }]);
    expect(placeServerError(taken, hasField)).toEqual({ fields: [{ name: 'slug', message: 'The slug "demo" is taken' }], root: null });
  });

  it('maps each VALIDATION_FAILED path onto the field, or the nearest enclosing one the form has', () => {
    const invalid = refusal(400, ErrorCodes.validationFailed, 'Invalid request', [
      { path: 'sources.1.url', message: 'file: is not allowed' },
      { path: 'logo.uploadId', message: 'no such uploaded logo' },
      { path: 'profile.width', message: 'An even number' },
    ]);
    expect(placeServerError(invalid, hasField).fields).toEqual([
      { name: 'sources.1.url', message: 'file: is not allowed' },
      { name: 'logo', message: 'no such uploaded logo' },
      { name: 'profile.width', message: 'An even number' },
    ]);
  });

  it('says above the form what no field shows, and a refusal that names no field', () => {
    const mixed = refusal(400, ErrorCodes.validationFailed, 'Invalid request', [
      { path: 'name', message: 'Required' },
      { path: 'schedule.start', message: 'a 5-field cron expression' },
    ]);
    expect(placeServerError(mixed, hasField)).toEqual({ fields: [{ name: 'name', message: 'Required' }], root: 'schedule.start: a 5-field cron expression' });
    expect(placeServerError(refusal(409, ErrorCodes.conflict, 'Stop the channel before deleting it'), hasField)).toEqual({ fields: [], root: 'Stop the channel before deleting it' });
    expect(placeServerError(new ApiError(0, 'NETWORK_ERROR', 'Castline cannot be reached.'), hasField).root).toBe('Castline cannot be reached.');
  });

  it('renames body paths the form calls otherwise', () => {
    const noPreset = refusal(400, ErrorCodes.validationFailed, 'presetId: no preset', [{ path: 'output.crf', message: 'x' }]);
    const rename = (path: string) => (path.startsWith('output') ? 'profile.width' : path);
    expect(placeServerError(noPreset, hasField, rename).fields).toEqual([{ name: 'profile.width', message: 'x' }]);
  });
});
