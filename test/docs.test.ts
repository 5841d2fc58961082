// The generated API documentation (`npm run docs`, typedoc.json): every
// symbol the public entry exports has a doc comment, and every type its
// members name is documented too. typedoc reports a symbol without one as a
// warning, which typedoc.json makes an error; this runs it without writing
// the pages.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('documents every exported symbol of the public entry (typedoc reports no warning)', () => {
  const r = spawnSync(process.execPath, [`${root}node_modules/typedoc/bin/typedoc`, '--emit', 'none'], { cwd: root, encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  expect(out).not.toMatch(/warning|error/);
  expect(r.status).toBe(0);
}, 180_000);
