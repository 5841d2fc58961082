// The API helpers Go users look for (issue 15, item 5), named as Go names
// them: GoState.executing / ProcState.executing (Go's Executing methods),
// a state transition typed by its resource with goroutine() / proc() (Go's
// StateTransition.Goroutine / Proc), sub() for exact durations, events that
// print as events, and the Go blog's example written with them, whose answer
// must be Go's.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blocking, report } from '../examples/blocked-on-network';
import { EventKind, GoState, ProcState, ResourceKind, readAll, sub } from '../src/index';

const root = new URL('../', import.meta.url);
const traceBytes = (path: string) => new Uint8Array(readFileSync(new URL(path, root)));

describe('GoState.executing and ProcState.executing, as Go has them', () => {
  // Go 1.27, internal/trace/resources.go: GoRunning || GoSyscall; ProcRunning.
  it('goroutines execute running or in a syscall', () => {
    const executing = [GoState.Undetermined, GoState.NotExist, GoState.Runnable, GoState.Running, GoState.Waiting, GoState.Syscall].map((s) =>
      GoState.executing(s),
    );
    expect(executing).toEqual([false, false, false, true, false, true]);
  });

  it('procs execute running', () => {
    const executing = [ProcState.Undetermined, ProcState.NotExist, ProcState.Running, ProcState.Idle].map((s) => ProcState.executing(s));
    expect(executing).toEqual([false, false, true, false]);
  });

  it('the enums still name their values as Go does', () => {
    expect(GoState[GoState.Syscall]).toBe('Syscall');
    expect(Object.values(GoState).filter((v) => typeof v === 'number')).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('state transitions typed by their resource', () => {
  const evs = readAll(traceBytes('test/fixtures/events/traces/go1.27-annotations.trace')).filter((ev) => ev.kind === EventKind.StateTransition);

  it('goroutine() and proc() give [from, to], and refuse the other kind as Go panics', () => {
    let goroutines = 0,
      procs = 0;
    for (const ev of evs) {
      const st = ev.stateTransition();
      expect(st.kind).toBe(st.resource.kind);
      if (st.kind === ResourceKind.Goroutine) {
        goroutines++;
        expect(st.goroutine()).toEqual([st.from, st.to]);
        expect(() => st.proc()).toThrow(TypeError);
      } else {
        procs++;
        expect(st.proc()).toEqual([st.from, st.to]);
        expect(() => st.goroutine()).toThrow(/goroutine called on a proc state transition/);
      }
      // The printed transition names the same states (Go's "GoID=7 Running->Waiting").
      const names = st.kind === ResourceKind.Goroutine ? GoState : ProcState;
      expect(String(ev)).toContain(` ${names[st.from]}->${names[st.to]} `);
    }
    expect(goroutines).toBeGreaterThan(0);
    expect(procs).toBeGreaterThan(0);
  });

  const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root));
  it.skipIf(!existsSync(tsc))('TypeScript narrows from/to to GoState or ProcState (type-checks test/types/transition.ts and the example)', () => {
    const files = ['test/types/transition.ts', 'examples/blocked-on-network.ts'];
    const r = spawnSync(
      process.execPath,
      [
        tsc,
        '--ignoreConfig',
        '--noEmit',
        '--strict',
        '--allowJs',
        '--target',
        'ES2022',
        '--module',
        'ESNext',
        '--moduleResolution',
        'Bundler',
        '--types',
        'node',
        '--skipLibCheck',
        ...files,
      ],
      { cwd: fileURLToPath(root), encoding: 'utf8' },
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('sub: exact differences of Int64 values', () => {
  const big = 2n ** 60n;
  it('numbers stay numbers', () => {
    expect(sub(1_000_500, 1_000_000)).toBe(500);
    expect(sub(3, 10)).toBe(-7);
  });
  it('two bigint times a little apart give a number', () => {
    expect(sub(big + 1234n, big)).toBe(1234);
    expect(sub(big, big + 1234n)).toBe(-1234);
  });
  it('mixed, and past 2^53, a bigint', () => {
    expect(sub(big, 5)).toBe(big - 5n);
    expect(sub(0, big)).toBe(-big);
    expect(sub(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER)).toBe(2n ** 54n - 2n);
    expect(sub(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER - 1);
  });
  it('durations between events', () => {
    const evs = readAll(traceBytes('test/fixtures/events/traces/go1.27-annotations.trace'));
    const first = evs[0]!,
      last = evs[evs.length - 1]!;
    expect(sub(last.time, first.time)).toBe(Number(BigInt(last.time) - BigInt(first.time)));
  });
});

describe('events print as events', () => {
  const evs = readAll(traceBytes('test/fixtures/events/traces/go1.27-annotations.trace'));
  const ev = evs.find((e) => e.kind === EventKind.StateTransition)!;

  it('util.inspect (console.log) shows the JSON form under the name Event, not the record', () => {
    const shown = inspect(ev);
    expect(shown.startsWith('Event {')).toBe(true);
    expect(shown).toContain("kind: 'StateTransition'");
    expect(shown).toContain(`time: ${ev.time}`);
    expect(shown).not.toMatch(/batch|words|Uint32Array/);
    // Nested, it respects the depth it is given.
    expect(inspect([[ev]], { depth: 1 })).toBe('[ [ [Event] ] ]');
    expect(inspect([ev], { depth: 1 })).toMatch(/^\[\n {2}Event \{\n {4}kind: 'StateTransition',[\s\S]*transition: \[Object\]/);
  });

  it('JSON.stringify uses toJSON', () => {
    expect(JSON.parse(JSON.stringify(ev))).toEqual(ev.toJSON());
    expect(JSON.stringify(ev)).not.toMatch(/batch|words/);
  });
});

describe("the Go blog's example gives Go's answer", () => {
  const answers = readFileSync(new URL('fixtures/blog/go-answers.tsv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  for (const [path, line] of answers) {
    it(path!, async () => {
      expect(report(await blocking(traceBytes(path!)))).toBe(line);
    });
  }

  it('rounds as Go prints %2.3f (ties to even; NaN for nothing blocked)', () => {
    // Go 1.27: fmt.Printf("%2.3f", 100*1.0/1600) prints 0.062; 3/1600 prints 0.188; 0/0 NaN.
    expect(report({ blocked: 1600, blockedOnNetwork: 1 })).toMatch(/^1600 1 0\.062% /);
    expect(report({ blocked: 1600, blockedOnNetwork: 3 })).toMatch(/^1600 3 0\.188% /);
    expect(report({ blocked: 0, blockedOnNetwork: 0 })).toMatch(/^0 0 NaN% /);
  });

  // More traces, against Go itself where it and the shared corpus are here.
  const corpus = new URL('../shared/corpus/traces/', root);
  const goTool = fileURLToPath(new URL('../shared/tools/go-blog-example.sh', root));
  const haveGo = existsSync(corpus) && existsSync(goTool) && existsSync('/opt/go-toolchains/go1.27/bin/go');
  for (const name of ['go1.22-stress.trace', 'go1.26-stress.trace', 'v1-stress_1_21_good.trace']) {
    it.skipIf(!haveGo)(`corpus ${name} (against Go 1.27; skipped without it or ../shared)`, async () => {
      const bytes = readFileSync(new URL(name, corpus));
      const go = execFileSync(goTool, { input: bytes, encoding: 'utf8', env: { ...process.env, TZ: 'UTC', GOTOOLCHAIN: 'local' } }).trimEnd();
      expect(report(await blocking(new Uint8Array(bytes)))).toBe(go);
    });
  }
});
