import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The backup service lowers its own process to nice 10 (main.ts, BACKUP_LOW_PRIORITY), never raises it. Run in
 * child processes (from the build): renicing jest's own process would slow every later test.
 */
const script = `const { lowerProcessPriority } = require(${JSON.stringify(path.resolve(__dirname, '../dist/process-priority.js'))});
console.log(lowerProcessPriority(), require('node:os').getPriority());`;

it('lowers a process at nice 0 to nice 10', () => {
  expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()).toBe('10 10');
});

it('leaves a process that is already nicer as it is', () => {
  expect(execFileSync('nice', ['-n', '15', process.execPath, '-e', script], { encoding: 'utf8' }).trim()).toBe('15 15');
});
