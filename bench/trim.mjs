// What keepFreedMemory (src/memory.ts) saves: the page faults of a process
// that copies as a Reader does (20 copies of 80 KB a round, dropped and
// collected, 50 rounds counted), with the call and without. Page faults
// depend on the machine and its load, so this is a measurement, not a test
// (test/memory.test.ts checks, through strace, what the call makes glibc do).
//
//   node bench/trim.mjs [--runs 5]
//
// Prints each run's faults both ways and the medians; with glibc's default
// thresholds every round can fault its 1.6 MB in again (about 400 pages of
// 4 KiB a round, 20,000 over 50 rounds).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeMemoryModule } from './lib/memory-module.mjs';

const { values: opt } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const dir = mkdtempSync(join(tmpdir(), 'gotrace-trim-'));
try {
  const memory = writeMemoryModule(dir);
  const child = join(dir, 'child.mjs');
  writeFileSync(
    child,
    `
import { keepFreedMemory } from ${JSON.stringify(memory)};
if (process.argv[2] === 'keep') keepFreedMemory();
globalThis.gc();
const faults = () => process.resourceUsage().minorPageFault;
let from = 0;
for (let round = 0; round < 60; round++) {
  if (round === 10) from = faults();
  let copies = [];
  for (let i = 0; i < 20; i++) copies.push(new Uint8Array(80 << 10).fill(1));
  copies = null;
  globalThis.gc({ type: 'minor' });
}
console.log(faults() - from);
`,
  );
  const faults = (how) => Number(execFileSync(process.execPath, ['--expose-gc', child, how], { encoding: 'utf8' }));
  const kept = [],
    trimmed = [];
  for (let i = 0; i < Number(opt.runs); i++) {
    kept.push(faults('keep'));
    trimmed.push(faults('none'));
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`page faults over 50 rounds, keepFreedMemory: ${kept.join(' ')} (median ${median(kept)})`);
  console.log(`page faults over 50 rounds, glibc's default:  ${trimmed.join(' ')} (median ${median(trimmed)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
