import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeRune, isPrint, quote, unquote } from '../src/quote';

// Fixtures written by Go 1.27's strconv.Quote: test/fixtures/quote/gen.go.
const dir = new URL('./fixtures/quote/', import.meta.url);

/** fromHex turns the fixture's hex column into bytes. */
function fromHex(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
}

/** runeBytes mirrors gen.go: the UTF-8 of r, or the invalid three bytes of a surrogate. */
function runeBytes(r: number): Uint8Array {
  if (r >= 0xd800 && r <= 0xdfff) return Uint8Array.of(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  return new TextEncoder().encode(String.fromCodePoint(r));
}

const cases = readFileSync(new URL('quote.txt', dir), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => l.split('\t') as [string, string]);

describe('quote matches Go strconv.Quote', () => {
  it(`on ${cases.length} inputs, as bytes`, () => {
    const bad = cases.filter(([h, q]) => quote(fromHex(h)) !== q);
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('on the same inputs, as JavaScript strings where they are valid UTF-8', () => {
    const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let n = 0;
    for (const [h, q] of cases) {
      let s: string;
      try {
        s = dec.decode(fromHex(h));
      } catch {
        continue;
      }
      n++;
      expect(quote(s), h).toBe(q);
    }
    expect(n).toBeGreaterThan(1000);
  });

  const hashes = readFileSync(new URL('hashes.txt', dir), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  const families: Record<string, () => Iterable<Uint8Array>> = {
    *runes() {
      for (let r = 0; r <= 0x10ffff; r++) yield runeBytes(r);
    },
    *bytes2() {
      for (let i = 0; i < 1 << 16; i++) yield Uint8Array.of(i >> 8, i & 0xff);
    },
    *bytes3() {
      for (const a of SET) for (const b of SET) for (const c of SET) yield Uint8Array.of(a, b, c);
    },
    *bytes4() {
      for (const a of SET) for (const b of SET) for (const c of SET) for (const d of SET) yield Uint8Array.of(a, b, c, d);
    },
  };
  const SET = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
  for (const [name, count, sum] of hashes) {
    it(`on every input of family ${name} (${count} inputs, SHA-256 of Go's output)`, () => {
      const h = createHash('sha256');
      let n = 0;
      for (const b of families[name!]!()) {
        h.update(quote(b) + '\n');
        n++;
      }
      expect(n).toBe(Number(count));
      expect(h.digest('hex')).toBe(sum);
    });
  }

  it('treats a lone surrogate in a JavaScript string as U+FFFD, as UTF-8 encoding does', () => {
    expect(quote('a\ud800b')).toBe(quote(new TextEncoder().encode('a\ud800b')));
    expect(quote('\udc00')).toBe('"\ufffd"');
    expect(quote('\ud83d\ude00')).toBe('"\u{1f600}"');
  });

  it('knows Go exceptions to printability', () => {
    expect(isPrint(0x20)).toBe(true);
    expect(isPrint(0xa0)).toBe(false);
    expect(isPrint(0xad)).toBe(false);
    expect(isPrint(0x3000)).toBe(false);
    expect(isPrint(0xfffd)).toBe(true);
    expect(quote('\u00ad')).toBe('"\\u00ad"');
    expect(quote(Uint8Array.of(0xef, 0xbf, 0xbd, 0xff))).toBe('"\ufffd\\xff"');
  });

  it('decodes runes with their widths as utf8.DecodeRune does', () => {
    expect(decodeRune(Uint8Array.of(0xf0, 0x9f, 0x98, 0x80), 0)).toBe(0x1f600 * 8 + 4);
    expect(decodeRune(Uint8Array.of(0xf0, 0x9f, 0x98), 0)).toBe(-1);
    expect(decodeRune(Uint8Array.of(0xed, 0xa0, 0x80), 0)).toBe(-1);
  });
});

describe('unquote matches Go strconv.Unquote', () => {
  const rows = readFileSync(new URL('unquote.txt', dir), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t') as [string, string]);
  it(`on ${rows.length} literals, valid and not`, () => {
    const bad = rows.filter(([h, want]) => {
      const got = unquote(fromHex(h));
      return (got === undefined ? 'error' : Buffer.from(got).toString('hex')) !== want;
    });
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('inverts quote on every line of the quote fixture', () => {
    for (const [h, q] of cases) expect(Buffer.from(unquote(Buffer.from(q))!).toString('hex'), q).toBe(h);
  });
});
