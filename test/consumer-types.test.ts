// The package's types as a TypeScript user gets them: the packed tarball
// installed into small consumer projects, one per moduleResolution (node10,
// node16, nodenext, bundler) and, where the resolution tells them apart, per
// module kind (ES module or CommonJS), each type-checked with `strict` by the
// project's own TypeScript. Each consumer uses typed members, and one line
// that is a type error only if the types are gotrace's: `@ts-expect-error`
// makes tsc fail where that line is not an error, which is what happens when
// the declarations do not resolve and every gotrace type silently becomes
// `any` (the failure of the declarations this replaced, under node16 with
// skipLibCheck).
//
// GOTRACE_PACK_DIR packs another copy of the package (a build of an older
// commit, say); by default the package is this checkout, which must have been
// built (`npm run build`): without dist/ the test is skipped, saying so.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packDir = process.env.GOTRACE_PACK_DIR ?? root;
const built = existsSync(join(packDir, 'dist/index.d.ts'));
if (!built) console.warn(`consumer-types.test.ts: ${packDir}dist/ is not built (npm run build): the consumer type checks are skipped`);

/** CONSUMER is the code each consumer project type-checks. */
const CONSUMER = `import { EventKind, GoState, Reader, TraceError, readAll, type Event, type Source } from 'gotrace';
import { RECORD_SIZE, loadSync, type Core } from 'gotrace/core';

const source: Source = new Uint8Array(0);
const events: Event[] = readAll(new Uint8Array(0));
const kinds: EventKind[] = events.map((ev) => ev.kind);
const frames: number = events.length > 0 ? events[0]!.stack.length : 0;
const running: boolean = events.some((ev) => ev.kind === EventKind.StateTransition && ev.stateTransition().to === GoState.Running);

async function count(input: Source): Promise<number> {
  const reader = new Reader(input);
  let n = 0;
  try {
    for await (const ev of reader) if (ev.kind !== EventKind.Sync) n++;
  } catch (e) {
    if (e instanceof TraceError) return -e.offset;
    throw e;
  }
  return n;
}

// @ts-expect-error: an Event's kind is an EventKind, which is not a string.
const wrong: string = events[0]!.kind;

// The core's subpath: its loader and layouts, typed.
const core: Core = loadSync();
const recordSize: number = RECORD_SIZE;
// @ts-expect-error: the core's status is a number, not a string.
const status: string = core.exports.next();

export { source, kinds, frames, running, count, wrong, core, recordSize, status };
`;

/** Consumer is one consumer project: its tsconfig's options and the kind of module its file is. */
interface Consumer {
  name: string;
  options: Record<string, unknown>;
  /** type is its package.json's "type" (what .ts files are under node16 and nodenext). */
  type: 'module' | 'commonjs';
}

/** NODE are the options of a consumer for Node: Node's types, no DOM. */
const NODE = { lib: ['ES2022'], types: ['node'] };

const CONSUMERS: Consumer[] = [
  { name: 'node16-esm', type: 'module', options: { ...NODE, module: 'node16', moduleResolution: 'node16' } },
  { name: 'node16-cjs', type: 'commonjs', options: { ...NODE, module: 'node16', moduleResolution: 'node16' } },
  { name: 'nodenext-esm', type: 'module', options: { ...NODE, module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'nodenext-cjs', type: 'commonjs', options: { ...NODE, module: 'nodenext', moduleResolution: 'nodenext' } },
  // A browser app through a bundler: the DOM's types, not Node's.
  { name: 'bundler', type: 'module', options: { lib: ['ES2022', 'DOM'], types: [], module: 'esnext', moduleResolution: 'bundler' } },
  // node10 is deprecated in TypeScript 6 (and gone in 7), still the resolution of many older projects.
  { name: 'node10', type: 'commonjs', options: { ...NODE, module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' } },
];

/** TSC_TIMEOUT bounds one run of tsc generously: a few seconds on an idle machine, many more on a busy one. */
const TSC_TIMEOUT = 180_000;

let dir = '';

beforeAll(() => {
  if (!built) return;
  dir = mkdtempSync(join(tmpdir(), 'gotrace-consumers-'));
  // The tarball as npm would install it, beside the consumers; Node's types linked from this checkout.
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: packDir, encoding: 'utf8' });
  const tarball = join(dir, JSON.parse(out)[0].filename);
  mkdirSync(join(dir, 'node_modules'));
  execFileSync('tar', ['-xzf', tarball, '-C', join(dir, 'node_modules')]);
  renameSync(join(dir, 'node_modules/package'), join(dir, 'node_modules/gotrace'));
  symlinkSync(join(root, 'node_modules/@types'), join(dir, 'node_modules/@types'));
}, TSC_TIMEOUT);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** typecheck writes `consumer`'s project with `code` and runs tsc on it; it returns tsc's output ('' when it passes). */
function typecheck(consumer: Consumer, code = CONSUMER): string {
  const at = join(dir, consumer.name);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name: consumer.name, private: true, type: consumer.type }));
  const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', ...consumer.options };
  writeFileSync(join(at, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }, null, 2));
  writeFileSync(join(at, 'index.ts'), code);
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', at, '--pretty', 'false'], { cwd: at, encoding: 'utf8' });
    return '';
  } catch (e) {
    const { stdout, stderr, message } = e as { stdout?: string; stderr?: string; message: string };
    return `${stdout ?? ''}${stderr ?? ''}` || message;
  }
}

describe.skipIf(!built)(
  `a TypeScript consumer of the packed package, strict${built ? '' : ` [skipped: ${packDir}dist/ is not built, run npm run build]`}`,
  () => {
    for (const consumer of CONSUMERS) {
      it(
        `type-checks under moduleResolution ${consumer.options.moduleResolution} as ${consumer.type === 'module' ? 'an ES module' : 'CommonJS'} (${consumer.name})`,
        () => {
          expect(typecheck(consumer)).toBe('');
        },
        TSC_TIMEOUT,
      );
    }

    it(
      'catches the deliberate type error (the types are not `any`)',
      () => {
        // The consumer's code without its directive: tsc must report the assignment.
        const consumer = { ...CONSUMERS[0]!, name: 'node16-esm-error' };
        const out = typecheck(consumer, CONSUMER.replace(/^\/\/ @ts-expect-error.*\n/m, ''));
        expect(out.trim().split('\n')).toEqual([
          expect.stringMatching(/^index\.ts\(22,7\): error TS2322: Type '.*EventKind' is not assignable to type 'string'\.$/),
        ]);
      },
      TSC_TIMEOUT,
    );
  },
);
