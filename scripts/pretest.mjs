// Builds what the tests need, and only when it is stale: the core (debug and
// release, from assembly/, format/ and asconfig.json) and its embedded copy.
// A fresh clone builds everything; a test run after a TypeScript edit builds
// nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** newest is the latest modification time of the files under `paths`. */
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    const s = statSync(join(root, p));
    if (s.isDirectory()) t = Math.max(t, newest(readdirSync(join(root, p)).map((f) => join(p, f))));
    else t = Math.max(t, s.mtimeMs);
  }
  return t;
}

/** oldest is the earliest modification time of `files`, 0 where one is missing. */
function oldest(files) {
  if (!files.every((f) => existsSync(join(root, f)))) return 0;
  return Math.min(...files.map((f) => statSync(join(root, f)).mtimeMs));
}

const sources = ['assembly', 'format', 'asconfig.json'];
const outputs = ['build/gotrace.wasm', 'build/gotrace.debug.wasm', 'bindings/wasm-inline.ts'];
if (oldest(outputs) <= newest(sources)) {
  execFileSync('npm', ['run', '--silent', 'asbuild'], { cwd: root, stdio: 'inherit' });
}
