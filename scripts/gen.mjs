// Writes every generated file that is committed, from its generator: `npm run
// gen`. A file is rewritten only where its text changes, so that a run that
// changes nothing leaves modification times alone (the core is rebuilt when a
// file under assembly/ looks newer than it). test/generated.test.ts checks
// that each committed file is what its generator writes; scripts/stale.mjs
// runs the generators whose sources are newer than their file before the core
// is built (`npm test`, `npm run demo`).
//
//   node scripts/gen.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAssembly as abiCore, generateBindings as abiBindings } from './gen-abi.mjs';
import { generate as errorCodes } from './gen-errors.mjs';
import { generate as format } from './gen-format.mjs';
import { generate as formatV1 } from './gen-format-v1.mjs';
import { declaration as coreDeclaration } from './embed-wasm.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * GENERATORS are the committed generated files: each one's path, the script
 * that writes it (named in its first line), what it is made from (the script
 * is a source too), and the function that returns its text. A new generator is
 * a new row; the test finds a generated file without one.
 */
export const GENERATORS = [
  { output: 'assembly/format.ts', script: 'scripts/gen-format.mjs', from: ['format/events.mjs'], generate: format },
  { output: 'assembly/abi.ts', script: 'scripts/gen-abi.mjs', from: ['format/abi.mjs'], generate: abiCore },
  { output: 'bindings/abi.ts', script: 'scripts/gen-abi.mjs', from: ['format/abi.mjs'], generate: abiBindings },
  { output: 'assembly/error-codes.ts', script: 'scripts/gen-errors.mjs', from: ['format/errors.mjs'], generate: errorCodes },
  { output: 'assembly/v1/format.ts', script: 'scripts/gen-format-v1.mjs', from: ['format/events-v1.mjs'], generate: formatV1 },
  // The declaration of the embedded core, which is built (and not committed),
  // so that a fresh clone typechecks before any build.
  { output: 'bindings/wasm-inline.d.ts', script: 'scripts/embed-wasm.mjs', from: [], generate: coreDeclaration },
];

/** sourcesOf lists what generator `g`'s file is made from, its script included. */
export const sourcesOf = (g) => [g.script, ...g.from];

/** differs reports whether generator `g`'s file under `base` is missing or
 * not what `g` generates. */
export function differs(g, base = root) {
  try {
    return readFileSync(join(base, g.output), 'utf8') !== g.generate();
  } catch {
    return true;
  }
}

/** regenerate writes generator `g`'s file under `base` where its text differs
 * from what `g` generates, and reports whether it wrote. */
export function regenerate(g, base = root) {
  if (!differs(g, base)) return false;
  writeFileSync(join(base, g.output), g.generate());
  console.error(`${g.output}: written by ${g.script}`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const g of GENERATORS) regenerate(g);
}
