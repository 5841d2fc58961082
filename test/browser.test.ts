// The browser bundle (dist/browser.js) in headless Chromium: a page served
// from 127.0.0.1 reads small corpus traces with the bundle's Reader from a
// Uint8Array, an ArrayBuffer, a Blob and a fetch response's stream, and
// must print what Go 1.27's `go tool trace -d=parsed` printed for them
// (test/fixtures/events/traces/NAME.want), byte for byte, and fail where
// Go fails, in Go's words (NAME.err), after the events Go delivered. The
// core is embedded in the bundle, so the page must fetch no .wasm file.
// Chromium comes from Debian (scripts/setup-browser.sh); without it the
// test skips.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type StaticServer } from './browser/server';
import { firstDifference } from './golden';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist/browser.js');
const traces = join(root, 'test/fixtures/events/traces');

// Traces Go reads to the end: Go 1.22's format and Go 1.27's (whose stacks
// have many frames), and the same trace arriving in 97-byte pieces.
const GOOD = ['go1.22-annotations', 'go1.27-stacks'];
// Traces Go fails on after delivering events: a test of Go's reader, and a
// real trace cut short.
const BAD = ['test-go122-create-syscall-with-p', 'cut-go1.23-annotations-1000'];
// The inputs a page may hand the Reader (see test/browser/page.js), with
// their names in the tests' titles.
const INPUTS: Record<string, string> = {
  bytes: 'a Uint8Array',
  arraybuffer: 'an ArrayBuffer',
  blob: 'a Blob',
  stream: "the fetch response's stream",
};

/** newest is the latest modification time of the files under `path`. */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/**
 * buildBundle builds dist/browser.js, as `npm run build` does, when it is
 * missing or older than its sources: the test must read today's code. The
 * core and its embedded copy come first (scripts/pretest.mjs builds them
 * only when stale).
 */
async function buildBundle(): Promise<void> {
  const sources = ['src', 'bindings', 'format', 'rollup.config.mjs'].map((p) => newest(join(root, p)));
  if (existsSync(bundle) && statSync(bundle).mtimeMs > Math.max(...sources)) return;
  execFileSync(process.execPath, [join(root, 'scripts/pretest.mjs')], { cwd: root, stdio: 'inherit' });
  const { rollup } = await import('rollup');
  const configs = (await import(join(root, 'rollup.config.mjs'))).default as { output: { file?: string } }[];
  const config = configs.find((c) => c.output.file === 'dist/browser.js');
  if (!config) throw new Error('rollup.config.mjs has no build of dist/browser.js');
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const build = await rollup(config);
    await build.write(config.output);
    await build.close();
  } finally {
    process.chdir(cwd);
  }
}

/** Reading is what the page hands back for one trace (see test/browser/page.js). */
interface Reading {
  text: string;
  error: { traceError: boolean; name: string; goMessage: string; message: string } | null;
  chunks: number;
}

/** fixture returns one of Go's files about trace `name` (.want, .err, .status). */
function fixture(name: string, ext: string): Buffer {
  return readFileSync(join(traces, name + ext));
}

/** expectGoText checks that the page printed Go's -d=parsed output for `name`. */
function expectGoText(reading: Reading, name: string): void {
  const got = Buffer.from(reading.text, 'utf8');
  const want = fixture(name, '.want');
  if (!got.equals(want)) expect.fail(firstDifference(reading.text, want.toString('utf8')));
}

const skip = !existsSync(CHROMIUM) ? `skipped: ${CHROMIUM} is missing (run scripts/setup-browser.sh)` : '';

describe.skipIf(skip)(`the browser bundle in headless Chromium${skip ? ` (${skip})` : ''}`, () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const fetched: string[] = [];
  const pageErrors: string[] = [];
  let gzDir = '';

  beforeAll(async () => {
    await buildBundle();
    const routes: Record<string, { file: string; type: string }> = {
      '/': { file: join(root, 'test/browser/index.html'), type: 'text/html; charset=utf-8' },
      '/page.js': { file: join(root, 'test/browser/page.js'), type: 'text/javascript' },
      '/browser.js': { file: bundle, type: 'text/javascript' },
    };
    for (const name of [...GOOD, ...BAD]) {
      routes[`/traces/${name}.trace`] = { file: join(traces, name + '.trace'), type: 'application/octet-stream' };
    }
    // The good traces gzipped too, as traces are stored (served as they are, not as a Content-Encoding).
    gzDir = mkdtempSync(join(tmpdir(), 'gotrace-browser-'));
    for (const name of GOOD) {
      writeFileSync(join(gzDir, name + '.trace.gz'), gzipSync(readFileSync(join(traces, name + '.trace'))));
      routes[`/traces/${name}.trace.gz`] = { file: join(gzDir, name + '.trace.gz'), type: 'application/octet-stream' };
    }
    server = await serve(routes);
    // Playwright gives each launch a fresh profile in a temporary folder.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    page = await browser.newPage();
    page.on('request', (r) => fetched.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(server.origin + '/');
    await page.waitForFunction('typeof window.readTrace === "function"', null, { timeout: 10_000 });
  }, 300_000); // a fresh clone builds the core and the bundle first

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (gzDir) rmSync(gzDir, { recursive: true, force: true });
  });

  /** read runs the page's readTrace on the served trace `name`. */
  const read = (name: string, how: string, query = '', ext = '.trace'): Promise<Reading> =>
    page.evaluate(`readTrace(${JSON.stringify(`/traces/${name}${ext}${query}`)}, ${JSON.stringify(how)})`);

  for (const name of GOOD) {
    for (const [how, input] of Object.entries(INPUTS)) {
      it(`${name} from ${input}: Go's events`, async () => {
        expect(fixture(name, '.status').toString().trim()).toBe('0');
        const reading = await read(name, how);
        expect(reading.error).toBeNull();
        expectGoText(reading, name);
      });
    }
    it(`${name} from the fetch response's stream in 97-byte pieces: Go's events`, async () => {
      const reading = await read(name, 'counted', '?pieces=97');
      expect(reading.error).toBeNull();
      expect(reading.chunks).toBeGreaterThan(1);
      expectGoText(reading, name);
    });
  }

  for (const name of GOOD) {
    for (const [how, input] of Object.entries(INPUTS)) {
      it(`${name}, gzipped, from ${input}: Go's events of the trace (DecompressionStream)`, async () => {
        const reading = await read(name, how, '', '.trace.gz');
        expect(reading.error).toBeNull();
        expectGoText(reading, name);
      });
    }
  }

  for (const name of BAD) {
    for (const [how, input] of Object.entries(INPUTS)) {
      it(`${name} from ${input}: Go's events, then Go's error`, async () => {
        expect(fixture(name, '.status').toString().trim()).toBe('1');
        const reading = await read(name, how);
        expectGoText(reading, name);
        expect(reading.error, 'Go fails on this trace').not.toBeNull();
        expect(reading.error!.traceError, `${reading.error!.name}: ${reading.error!.message}`).toBe(true);
        expect(reading.error!.name).toBe('TraceError');
        expect(reading.error!.goMessage).toBe(fixture(name, '.err').toString().trimEnd());
      });
    }
  }

  it('fetched only the page, the bundle and the traces, and no .wasm', async () => {
    // A reading of its own first, so that the core is surely loaded even
    // when this test runs alone.
    expect((await read(GOOD[0]!, 'bytes')).error).toBeNull();
    const paths = fetched.map((u) => new URL(u));
    expect(paths.filter((u) => u.pathname.endsWith('.wasm'))).toEqual([]);
    expect(paths.filter((u) => u.origin !== server.origin).map(String)).toEqual([]);
    expect(server.requests.filter((p) => new URL(p, server.origin).pathname.endsWith('.wasm'))).toEqual([]);
    expect(server.requests).toContain('/browser.js');
    expect(pageErrors).toEqual([]);
  });
});
