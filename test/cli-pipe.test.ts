// A reader of gotrace's output that goes away early (`gotrace wire T | head`)
// ends the listing quietly: exit status 0, nothing on stderr, as a Unix tool's.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}dist/cli.cjs`;
const built = existsSync(cli);
if (!built) console.warn('cli-pipe.test.ts: dist/cli.cjs is not built (npm run build): skipped');

/** headOf runs the command on the sample trace, closes its output after the
 * first chunk, and returns its exit status and standard error. */
function headOf(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, ...args, `${root}examples/sample.trace`]);
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.once('data', () => p.stdout.destroy());
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stderr }));
  });
}

describe.skipIf(!built)(`output closed early${built ? '' : ' [skipped: dist/cli.cjs is not built, run npm run build]'}`, () => {
  for (const args of [['events'], ['events', '--json'], ['wire'], ['text', 'decode']]) {
    it(`gotrace ${args.join(' ')} | head`, async () => {
      expect(await headOf(args)).toEqual({ status: 0, stderr: '' });
    });
  }
});
