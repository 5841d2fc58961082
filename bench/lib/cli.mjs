// The build of gotrace the bench measures: a copy of dist/ taken when the
// bench starts, so that a rebuild during a long bench (other work goes on in
// the same tree) neither breaks runs half-way nor mixes two builds in a table.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * snapshotCli copies the JavaScript of `root`/dist and the core it reads
 * (build/gotrace.wasm) into a temporary folder, removed when the process
 * exits, and returns the copy's cli.cjs. The copy resolves its packages
 * (commander) through a link to `root`/node_modules, and is an ES module
 * package as the project is.
 */
export function snapshotCli(root) {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'cli.cjs'))) throw new Error('dist/cli.cjs is missing: run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'gotrace-bench-cli-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'dist'), { recursive: true });
  mkdirSync(join(dir, 'build'), { recursive: true });
  for (const f of readdirSync(dist)) if (/\.c?js$/.test(f)) cpSync(join(dist, f), join(dir, 'dist', f));
  cpSync(join(root, 'build', 'gotrace.wasm'), join(dir, 'build', 'gotrace.wasm'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'dist', 'cli.cjs');
}
