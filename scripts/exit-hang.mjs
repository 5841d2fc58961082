// exit-hang.mjs runs `gotrace events` on the damaged trace of test/fixtures/exit
// many times, standard output to a file, and counts the runs that printed
// and then hung (nodejs/node#54918: Node 20's exit deadlocks with a
// background compilation of V8's in about 2% of runs, so only hundreds of
// runs can tell a fix from luck; the unit tests check how the command line
// starts instead, test/cli-launch.test.ts).
//
//   node scripts/exit-hang.mjs [--runs 600] [--parallel 2] [--timeout 20000]
//                              [--cli dist/cli.cjs] [--node-flag FLAG]... [--direct]
//
// --cli is the program run (the package's bin by default), through
// process.execPath with the --node-flag flags; --direct runs it as npm's bin
// link does, through its #! line. Every run must also print Go's reading of
// the trace (its sha256 in the fixture) and Go's error, with exit status 1.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '600' },
    parallel: { type: 'string', default: '2' },
    timeout: { type: 'string', default: '20000' },
    cli: { type: 'string', default: join(root, 'dist/cli.cjs') },
    'node-flag': { type: 'string', multiple: true, default: [] },
    direct: { type: 'boolean', default: false },
  },
});
const runs = Number(opt.runs);
const parallel = Number(opt.parallel);
const limitMs = Number(opt.timeout);

const fixture = join(root, 'test/fixtures/exit/go1.26-stress-nudged');
const goSha = readFileSync(`${fixture}.out.sha256`, 'utf8').trim();
const goWords = readFileSync(`${fixture}.err`, 'utf8').split('\n')[0];
const dir = mkdtempSync(join(tmpdir(), 'gotrace-exit-hang-'));

/** run runs the command line once and says how it ended. */
function run(i) {
  const path = join(dir, `out-${i}`);
  const out = openSync(path, 'w');
  const [cmd, args] = opt.direct ? [opt.cli, ['events', `${fixture}.trace`]] : [process.execPath, [...opt['node-flag'], opt.cli, 'events', `${fixture}.trace`]];
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      p.kill('SIGKILL');
    }, limitMs);
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (status) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
      rmSync(path);
      const right = status === 1 && sha === goSha && stderr.startsWith(`gotrace: ${goWords}`);
      resolve({ hung, right, ms, status, stderr });
    });
  }).finally(() => closeSync(out));
}

const results = [];
try {
  let next = 0;
  const worker = async () => {
    while (next < runs) {
      const r = await run(next++);
      results.push(r);
      if (r.hung) process.stderr.write(`run ${results.length}: hung (killed after ${limitMs} ms)\n`);
      else if (!r.right) process.stderr.write(`run ${results.length}: wrong (status ${r.status}): ${r.stderr.slice(0, 200)}\n`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const hung = results.filter((r) => r.hung).length;
const wrong = results.filter((r) => !r.hung && !r.right).length;
const ms = results
  .filter((r) => !r.hung)
  .map((r) => r.ms)
  .sort((a, b) => a - b);
const median = ms.length ? ms[Math.floor(ms.length / 2)].toFixed(0) : '-';
const how = opt.direct ? `${opt.cli} (its #! line)` : [process.execPath, ...opt['node-flag'], opt.cli].join(' ');
console.log(`${how} on Node ${process.versions.node}: ${hung}/${runs} hung, ${wrong}/${runs} wrong, median run ${median} ms (${parallel} at a time)`);
process.exitCode = hung + wrong > 0 ? 1 : 0;
