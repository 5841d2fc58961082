// src/memory.ts as a module a child process can import alone: V8's flags and
// malloc's thresholds are the process's, so its tests (test/memory.test.ts)
// and its measurement (bench/trim.mjs) each run it in a fresh node.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** writeMemoryModule writes src/memory.ts as JavaScript into `dir` and returns its file URL, for an import. */
export function writeMemoryModule(dir) {
  const file = join(dir, 'memory.mjs');
  writeFileSync(
    file,
    ts.transpileModule(readFileSync(new URL('../../src/memory.ts', import.meta.url), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText,
  );
  return pathToFileURL(file).href;
}
