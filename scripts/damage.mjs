#!/usr/bin/env node
// damage: a differential test of gotrace against Go itself on damaged traces.
// The corpus (conformance.mjs's) holds intact traces and a few of Go's
// malformed ones; a reader that matches Go there can still part from it on
// input damaged in ways nobody wrote down. This tool makes seeded damaged
// copies of every corpus trace and reads each with Go 1.27's
// `go tool trace -d=parsed` and with `gotrace events`.
//
//   node scripts/damage.mjs [--seed N] [--per N] [--big-per N] [-j 1|2]
//        [--only REGEX] [--kinds k1,k2] [--out DIR] [--timeout S]
//        [--corpus DIR] [--add DIR]... [--cli dist/cli.cjs] [--keep-identical]
//
// --add DIR damages every *.trace of DIR too (test/fixtures/events/traces has
// the experimental batches and edge values the corpus lacks).
//
// Damage kinds (each case picks one at random; --kinds limits the choice):
//   cut        truncated at a random offset
//   cut-header truncated inside the 16-byte header
//   cut-batch  truncated inside a batch header
//   cut-varint truncated right after a byte with its continuation bit set
//   cut-edge   truncated exactly at a batch boundary
//   set        1-4 random bytes set to random values
//   flip       one bit flipped
//   cont       a byte's continuation bit (0x80) set or cleared
//   del        1-8 bytes deleted
//   dup        1-8 bytes duplicated in place
//   swap       two batches swapped (batches found by scanning the framing)
//   val        1-3 bytes of batch data given other low 7 bits, their
//              continuation bits kept: varints keep their lengths, so the
//              framing holds and the values reach the ordering
//   nudge      one byte of batch data 1 more or less in its low 7 bits (an
//              ID, a sequence number, a status or a time off by a little)
//   hdr        the same in a batch header (its generation, M, time or size)
// Case i of a trace depends only on --seed, the trace and i, so a case can be
// remade with the same --seed, --only and a --per of at least i+1.
//
// What is compared, as conformance.mjs compares: the bytes each printed on
// stdout (old formats, Go 1.11-1.21: both through the corpus's canon.py,
// since Go orders ties differently from run to run); the verdict (both read
// to the end, or both failed); and, where both failed, the error: ours without
// "gotrace: " and the "(at byte N, generation G)" it adds, Go's first line
// (where Go's message runs over several lines ours must start with that line).
// Go panicking or hanging, and ours crashing or hanging (30 s each by
// default), are findings of their own.
//
// Go's reading of an old trace takes the Ps in map order, so where several
// batches are damaged which error it meets first varies from run to run: a
// differing old case is read by Go up to 15 times more, and counts as
// identical ("go-varies", listed) where one of those readings is ours.
//
// Prints a summary: cases per format, identical, differing by category
// (verdict, output, wording, go-crash, go-hang, ours-crash, ours-hang). Each
// differing case is kept under --out (default /tmp/dmg) as a folder with the
// damaged trace, both outputs and errors, and info.txt; summary.tsv there has
// one line per case. Exits 1 when some case differs.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canon, errorWords, FOLDERS, manifestRows } from './corpus.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KINDS = ['cut', 'cut-header', 'cut-batch', 'cut-varint', 'cut-edge', 'set', 'flip', 'cont', 'del', 'dup', 'swap', 'val', 'nudge', 'hdr'];
const GO = '/opt/go-toolchains/go1.27/bin/go';

function parseArgs(argv) {
  const opts = {
    corpus: process.env.GOTRACE_CORPUS ?? '/work/shared/corpus',
    cli: join(ROOT, 'dist/cli.cjs'),
    seed: 1,
    per: 10,
    bigPer: null,
    jobs: 1,
    only: null,
    add: [],
    kinds: KINDS,
    out: '/tmp/dmg',
    timeout: 30,
    keepIdentical: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--corpus') opts.corpus = value();
    else if (a === '--add') opts.add.push(resolve(value()));
    else if (a === '--cli') opts.cli = resolve(value());
    else if (a === '--seed') opts.seed = Number(value());
    else if (a === '--per') opts.per = Number(value());
    else if (a === '--big-per') opts.bigPer = Number(value());
    else if (a === '-j') opts.jobs = Math.min(2, Math.max(1, Number(value())));
    else if (a === '--only') opts.only = new RegExp(value());
    else if (a === '--kinds') opts.kinds = value().split(',');
    else if (a === '--out') opts.out = resolve(value());
    else if (a === '--timeout') opts.timeout = Number(value());
    else if (a === '--keep-identical') opts.keepIdentical = true;
    else usage(`unknown argument ${a}`);
  }
  for (const k of opts.kinds) if (!KINDS.includes(k)) usage(`unknown kind ${k} (kinds: ${KINDS.join(', ')})`);
  // Traces over a megabyte take Go seconds each: fewer cases there by default.
  opts.bigPer ??= Math.max(1, Math.ceil(opts.per / 5));
  return opts;
}

function usage(msg) {
  console.error(
    `damage: ${msg}\nusage: node scripts/damage.mjs [--seed N] [--per N] [--big-per N] [-j 1|2] [--only REGEX] [--kinds k1,k2] [--out DIR] [--timeout S] [--corpus DIR] [--add DIR] [--cli dist/cli.cjs] [--keep-identical]`,
  );
  process.exit(2);
}

/** version is the Go version a trace's header names (21 for "go 1.21 trace"), or 0. */
function version(bytes) {
  const m = /^go 1\.(\d+) trace\0/.exec(Buffer.from(bytes.subarray(0, 16)).toString('latin1'));
  return m ? Number(m[1]) : 0;
}

/** traces lists the corpus's traces, the new formats first. */
function traces(opts) {
  const list = [];
  for (const folder of FOLDERS) {
    for (const [name] of manifestRows(opts.corpus, folder)) {
      const id = `${folder}/${name}`;
      if (opts.only && !opts.only.test(id)) continue;
      const bytes = readFileSync(join(opts.corpus, folder, name));
      list.push({ id, bytes, ver: version(bytes) });
    }
  }
  for (const dir of opts.add) {
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith('.trace'))
      .sort()) {
      const id = `${dir.split('/').slice(-2).join('/')}/${name}`;
      if (opts.only && !opts.only.test(id)) continue;
      const bytes = readFileSync(join(dir, name));
      list.push({ id, bytes, ver: version(bytes) });
    }
  }
  const isOld = (t) => t.ver > 0 && t.ver < 22;
  return [...list.filter((t) => !isOld(t)), ...list.filter(isOld)];
}

/** rng is a seeded generator (mulberry32) of integers below n. */
function rng(...seeds) {
  let s = 0x9e3779b9;
  for (const x of seeds) s = Math.imul(s ^ (x >>> 0), 0x85ebca6b) ^ (s >>> 13);
  return (n) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const hash32 = (s) => {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(s)) h = Math.imul(h ^ c, 0x01000193);
  return h >>> 0;
};

/** uvarint reads a base-128 varint at `at`: [value (as a Number, maybe inexact), next offset], or null at the end. */
function uvarint(b, at) {
  let v = 0,
    mul = 1;
  for (let i = at; i < b.length && i < at + 10; i++) {
    v += (b[i] & 0x7f) * mul;
    mul *= 128;
    if (!(b[i] & 0x80)) return [v, i + 1];
  }
  return null;
}

/**
 * batches finds the batches of a trace by their framing, as far as it is
 * intact: [start, headerEnd, end] each. New formats: EventBatch (1) and
 * ExperimentalBatch (49) with their generation, M, time and size, and the lone
 * EndOfGeneration byte (52). Old formats: the events from one EvBatch (1) to
 * the next.
 */
function batches(b, ver) {
  const out = [];
  if (ver >= 22) {
    let at = 16;
    while (at < b.length) {
      const start = at;
      if (b[at] === 52) {
        out.push([start, start + 1, start + 1]);
        at++;
        continue;
      }
      if (b[at] !== 1 && b[at] !== 49) break;
      at += b[at] === 49 ? 2 : 1;
      let size = 0;
      for (let k = 0; k < 4; k++) {
        const r = uvarint(b, at);
        if (!r) return out;
        [size, at] = r;
      }
      if (at + size > b.length) break;
      out.push([start, at, at + size]);
      at += size;
    }
    return out;
  }
  const starts = [];
  let at = 16;
  const skip = (n) => {
    for (let k = 0; k < n; k++) {
      const r = uvarint(b, at);
      if (!r) return false;
      at = r[1];
    }
    return true;
  };
  while (at < b.length) {
    const start = at,
      typ = b[at] & 0x3f,
      narg = (b[at] >> 6) + 1;
    at++;
    let ok;
    if (typ === 37) {
      // EvString: ID, length, bytes
      ok = skip(1);
      const r = ok && uvarint(b, at);
      if (r) at = r[1] + r[0];
      else ok = false;
    } else if (typ === 1) {
      // EvBatch: P, ticks
      starts.push(start);
      ok = skip(2);
    } else if (narg <= 3) {
      ok = skip(narg);
    } else {
      const r = uvarint(b, at);
      ok = !!r;
      if (r) at = r[1] + r[0];
      if (ok && typ === 48) {
        const s = uvarint(b, at);
        if (s) at = s[1] + s[0];
        else ok = false;
      } // EvUserLog's value string
    }
    if (!ok || at > b.length) break;
  }
  starts.push(Math.min(at, b.length));
  for (let i = 0; i + 1 < starts.length; i++) out.push([starts[i], starts[i] + 1, starts[i + 1]]);
  return out;
}

/** damage makes case `i` of trace `t`: its kind, a spec that says what was done, and the bytes. */
function damage(opts, t, i) {
  const r = rng(opts.seed, hash32(t.id), i);
  const b = t.bytes;
  const bs = batches(b, t.ver);
  const body = () => 16 + r(Math.max(1, b.length - 16));
  const kinds = opts.kinds.filter((k) => !(['cut-batch', 'cut-edge', 'swap', 'val', 'nudge', 'hdr'].includes(k) && bs.length < (k === 'swap' ? 2 : 1)));
  // inData is a random offset in some batch's data (past its header), or in the body where the batches have none.
  const inData = () => {
    for (let k = 0; k < 20; k++) {
      const [, h, e] = bs[r(bs.length)];
      if (e > h) return h + r(e - h);
    }
    return body();
  };
  const kind = kinds[r(kinds.length)];
  const cut = (n) => ({ kind, spec: `cut:${n}`, bytes: b.subarray(0, n) });
  switch (kind) {
    case 'cut':
      return cut(r(b.length));
    case 'cut-header':
      return cut(r(Math.min(16, b.length)));
    case 'cut-batch': {
      const [s, h] = bs[r(bs.length)];
      return cut(s + 1 + r(Math.max(1, h - s - 1)));
    }
    case 'cut-varint': {
      for (let k = 0; k < 100; k++) {
        const at = body();
        if (b[at - 1] & 0x80) return cut(at);
      }
      return cut(body());
    }
    case 'cut-edge':
      return cut(bs[r(bs.length)][2]);
    case 'set': {
      const out = Uint8Array.from(b),
        sets = [];
      for (let k = 1 + r(4); k > 0; k--) {
        const at = r(20) === 0 ? r(Math.min(16, b.length)) : body();
        out[at] = r(256);
        sets.push(`${at}=${out[at]}`);
      }
      return { kind, spec: `set:${sets.join(',')}`, bytes: out };
    }
    case 'flip':
    case 'cont': {
      const out = Uint8Array.from(b);
      const at = kind === 'flip' && r(20) === 0 ? r(Math.min(16, b.length)) : body();
      const bit = kind === 'cont' ? 7 : r(8);
      out[at] ^= 1 << bit;
      return { kind, spec: `flip:${at}.${bit}`, bytes: out };
    }
    case 'val':
    case 'nudge':
    case 'hdr': {
      const out = Uint8Array.from(b),
        sets = [];
      for (let k = kind === 'val' ? 1 + r(3) : 1; k > 0; k--) {
        let at = inData();
        if (kind === 'hdr') {
          const [s, h] = bs[r(bs.length)];
          at = h > s + 1 ? s + 1 + r(h - s - 1) : s;
        }
        const low = kind === 'val' ? r(128) : ((b[at] & 0x7f) + (r(2) ? 1 : 127)) & 0x7f;
        out[at] = (b[at] & 0x80) | low;
        sets.push(`${at}=${out[at]}`);
      }
      return { kind, spec: `set:${sets.join(',')}`, bytes: out };
    }
    case 'del':
    case 'dup': {
      const at = body(),
        n = Math.min(1 + r(8), b.length - at);
      const bytes = kind === 'del' ? Buffer.concat([b.subarray(0, at), b.subarray(at + n)]) : Buffer.concat([b.subarray(0, at + n), b.subarray(at)]);
      return { kind, spec: `${kind}:${at}+${n}`, bytes };
    }
    case 'swap': {
      const x = r(bs.length);
      // Half the time neighbours, else any two.
      let y = r(2) ? (x + 1 < bs.length ? x + 1 : x - 1) : r(bs.length);
      if (y === x) y = (x + 1) % bs.length;
      const [p, q] = x < y ? [bs[x], bs[y]] : [bs[y], bs[x]];
      const bytes = Buffer.concat([b.subarray(0, p[0]), b.subarray(q[0], q[2]), b.subarray(p[2], q[0]), b.subarray(p[0], p[2]), b.subarray(q[2])]);
      return { kind, spec: `swap:${p[0]}-${p[2]},${q[0]}-${q[2]}`, bytes };
    }
  }
  throw new Error(`no kind ${kind}`);
}

/** run runs `cmd` with stdout and stderr to files, within the time limit: its exit status, signal and whether it timed out. */
function run(cmd, args, dir, who, timeout, env) {
  return new Promise((done) => {
    const out = openSync(join(dir, `${who}.out`), 'w'),
      err = openSync(join(dir, `${who}.err`), 'w');
    const child = spawn(cmd, args, { stdio: ['ignore', out, err], env });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      done({ code, signal, timedOut, out: readFileSync(join(dir, `${who}.out`)), err: readFileSync(join(dir, `${who}.err`), 'latin1') });
    });
  });
}

/** canonical is the tie-insensitive form of an old-format printout (canon.py). */
function canonical(opts, text) {
  const r = canon(opts.corpus, text);
  return r.error === undefined ? r.out : Buffer.from(`canon.py failed: ${r.error}`);
}

/** firstDifference is the first line where two printouts differ. */
function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  const line = a.subarray(0, i).toString('latin1').split('\n').length;
  const lineAt = (x) => {
    const s = x.lastIndexOf(10, i - 1) + 1;
    const e = x.indexOf(10, i);
    return x.subarray(s, e < 0 ? x.length : e).toString('latin1');
  };
  return `line ${line}:\n  go:   ${lineAt(a)}\n  ours: ${lineAt(b)}`;
}

/** judge compares our reading with Go's: the category ('' where identical) and what differs. */
function judge(opts, c, go, ours) {
  const goMsg = go.err.trimEnd();
  const ourMsg = errorWords(ours.err);
  if (go.timedOut) return ['go-hang', 'Go did not finish in time'];
  if (go.code !== 0 && go.code !== 1) return ['go-crash', `Go exited ${go.code ?? go.signal}: ${goMsg.split('\n')[0]}`];
  if (ours.timedOut) return ['ours-hang', 'ours did not finish in time'];
  if (ours.code !== 0 && ours.code !== 1) return ['ours-crash', `ours exited ${ours.code ?? ours.signal}: ${ourMsg.split('\n')[0]}`];
  let same = go.out.equals(ours.out);
  let goOut = go.out,
    ourOut = ours.out;
  if (!same && c.old) {
    goOut = canonical(opts, go.out);
    ourOut = canonical(opts, ours.out);
    same = goOut.equals(ourOut);
  }
  const diffs = [];
  let category = '';
  if (go.code !== ours.code) {
    category = 'verdict';
    diffs.push(go.code === 0 ? `ours failed: ${ourMsg}` : `ours did not fail (Go: ${goMsg.split('\n')[0]})`);
  }
  if (!same) {
    category ||= 'output';
    diffs.push(`output differs at ${firstDifference(goOut, ourOut)}`);
  }
  if (!category && go.code === 1) {
    const first = goMsg.split('\n')[0];
    const ok = goMsg.includes('\n') ? ourMsg.startsWith(first) : ourMsg === goMsg;
    if (!ok) {
      category = 'wording';
      diffs.push(`Go: ${first}\n  ours: ${ourMsg}`);
    }
  }
  return [category, diffs.join('\n  ')];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) usage(`no ${opts.cli}: run \`npm run build\` first`);
  const env = { ...process.env, TZ: 'UTC', GOTOOLCHAIN: 'local' };
  const goTrace = execFileSync(GO, ['tool', '-n', 'trace'], { env }).toString().trim();
  rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });
  const list = [];
  for (const t of traces(opts)) {
    const n = t.bytes.length > 1 << 20 ? opts.bigPer : opts.per;
    for (let i = 0; i < n; i++) list.push({ t, i, old: t.ver > 0 && t.ver < 22 });
  }
  const rows = [];
  const tally = new Map(); // format -> { cases, identical, categories }
  let next = 0,
    doneCount = 0;
  const start = performance.now();
  const worker = async (w) => {
    while (next < list.length) {
      const c = list[next++];
      const d = damage(opts, c.t, c.i);
      const name = `${c.t.id.replace(/\//g, '~').replace(/\.trace$/, '')}~${c.i}~${d.kind}`;
      const dir = join(opts.out, `.work${w}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const path = join(dir, 'damaged.trace');
      writeFileSync(path, d.bytes);
      const go = await run(goTrace, ['-d=parsed', path], dir, 'go', opts.timeout, env);
      const ours = await run(process.execPath, [opts.cli, 'events', path], dir, 'ours', opts.timeout, env);
      let [category, why] = judge(opts, c, go, ours);
      // Go reads an old trace's Ps in map order, which varies from run to
      // run, and with it which damaged batch it reports first: there, ours
      // must match one of Go's readings.
      for (let k = 0; c.old && ['verdict', 'output', 'wording'].includes(category) && k < 15; k++) {
        const again = await run(goTrace, ['-d=parsed', path], dir, 'go-again', opts.timeout, env);
        if (!judge(opts, c, again, ours)[0]) {
          category = 'go-varies';
          why = `Go's reading number ${k + 2} was ours; its first was not:\n  ${why}`;
        }
        if (category === 'go-varies') break;
      }
      const fmt = c.t.ver ? `go1.${c.t.ver}` : 'unknown';
      const t = tally.get(fmt) ?? { cases: 0, identical: 0, categories: new Map() };
      tally.set(fmt, t);
      t.cases++;
      const goVerdict = go.code === 0 ? 'ok' : go.err.trimEnd().split('\n')[0];
      const ourVerdict = ours.code === 0 ? 'ok' : ours.err.trim().split('\n')[0];
      rows.push([name, c.t.id, d.kind, d.spec, category || 'identical', goVerdict, ourVerdict].join('\t'));
      if (category === 'go-varies') {
        t.identical++;
        t.categories.set(category, (t.categories.get(category) ?? 0) + 1);
        writeFileSync(
          join(dir, 'info.txt'),
          `trace: ${c.t.id}\ncase: ${c.i} (seed ${opts.seed})\ndamage: ${d.kind} ${d.spec}\ncategory: ${category}\n  ${why}\n`,
        );
        renameSync(dir, join(opts.out, name));
      } else if (category) {
        t.categories.set(category, (t.categories.get(category) ?? 0) + 1);
        writeFileSync(
          join(dir, 'info.txt'),
          `trace: ${c.t.id}\ncase: ${c.i} (seed ${opts.seed})\ndamage: ${d.kind} ${d.spec}\ncategory: ${category}\n  ${why}\n`,
        );
        renameSync(dir, join(opts.out, name));
        console.log(`${name}: ${category}: ${why.split('\n')[0]}`);
      } else {
        t.identical++;
        if (opts.keepIdentical) renameSync(dir, join(opts.out, name));
      }
      if (++doneCount % 100 === 0) console.error(`... ${doneCount} of ${list.length} cases (${((performance.now() - start) / 1000).toFixed(0)} s)`);
    }
    rmSync(join(opts.out, `.work${w}`), { recursive: true, force: true });
  };
  await Promise.all(Array.from({ length: opts.jobs }, (_, w) => worker(w)));
  writeFileSync(join(opts.out, 'summary.tsv'), ["# case\ttrace\tkind\tspec\tcategory\tGo's verdict\tours", ...rows.sort()].join('\n') + '\n');
  const secs = ((performance.now() - start) / 1000).toFixed(0);
  let cases = 0,
    identical = 0;
  const all = new Map();
  console.log(`\nformat     cases  identical  differing`);
  for (const [fmt, t] of [...tally].sort()) {
    cases += t.cases;
    identical += t.identical;
    for (const [k, v] of t.categories) all.set(k, (all.get(k) ?? 0) + v);
    console.log(
      `${fmt.padEnd(9)} ${String(t.cases).padStart(6)} ${String(t.identical).padStart(10)}  ${[...t.categories].map(([k, v]) => (k === 'go-varies' ? `(Go varies ${v})` : `${k} ${v}`)).join(', ')}`,
    );
  }
  const varies = all.get('go-varies') ?? 0;
  all.delete('go-varies');
  console.log(
    `\n${cases} cases (seed ${opts.seed}, ${secs} s): ${identical} identical${varies ? ` (${varies} of them one of Go's readings, which vary)` : ''}; differing: ${[...all].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
  );
  console.log(`differing cases and summary.tsv: ${opts.out}`);
  process.exitCode = identical === cases ? 0 : 1;
}

await main();
