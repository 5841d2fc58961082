/**
 * Go's `strconv.Quote`, byte for byte, for the strings that Go's tools print
 * with `strconv.Quote` or `%q` (the same thing for a Go string): event names,
 * labels, raw text data. A JavaScript string stands for its UTF-8 bytes, so a
 * lone surrogate counts as U+FFFD, as UTF-8 encoding makes it. Also the rest
 * of Go's text primitives that reading Go's text formats needs, on bytes as
 * Go has them: `strconv.Unquote`, `utf8.DecodeRune`, `unicode.IsPrint`,
 * `unicode.IsSpace` and `strings.TrimSpace`.
 */

/**
 * The code points where Go's `unicode.IsPrint` changes, as base-36 deltas:
 * the first printable code point, then the first of the next non-printable
 * run, and so on. Generated from Go 1.27 (Unicode 17.0.0) by
 * `go run test/fixtures/quote/gen.go -table` rather than read from the
 * runtime's Unicode property escapes, whose Unicode version differs from one
 * JavaScript engine to the next.
 */
const PRINTABLE_RUNS =
  'w,2n,y,c,1,ju,2,6,4,7,1,1,1,k,1,b1,1,12,2,1e,2,3,1,1j,8,r,4,6,h,m,1,5c,1,1c,2,1n,2,2t,e,1n,2,1d,' +
  '2,f,1,s,2,1,1,b,5,w,7,23,1,4h,1,8,2,2,2,m,1,7,1,1,3,4,2,9,2,2,2,4,8,1,4,2,1,5,2,p,2,3,1,6,4,2,2,' +
  'm,1,7,1,2,1,2,1,2,2,1,1,5,4,2,2,3,3,1,7,4,1,1,7,h,a,3,1,9,1,3,1,m,1,7,1,2,1,5,2,a,1,3,1,3,2,1,f,' +
  '4,2,c,7,7,1,3,1,8,2,2,2,m,1,7,1,2,1,5,2,9,2,2,2,3,7,3,4,2,1,5,2,i,a,2,1,6,3,3,1,4,3,2,1,1,1,2,3,' +
  '2,3,3,3,c,4,5,3,3,1,4,2,1,6,1,e,l,5,d,1,3,1,n,1,g,2,9,1,3,1,4,7,2,1,3,1,2,2,4,2,a,7,m,1,3,1,n,1,' +
  'a,1,5,2,9,1,3,1,4,7,2,5,3,1,4,2,a,1,3,c,d,1,3,1,1f,1,3,1,6,4,g,2,q,1,3,1,i,3,o,1,9,1,1,2,7,3,1,' +
  '4,6,1,1,1,8,6,a,2,3,c,1m,4,t,11,2,1,1,1,5,1,o,1,1,1,n,2,5,1,1,1,7,1,a,2,4,w,20,1,10,4,13,1,10,1,' +
  'f,1,d,11,5i,1,1,5,1,2,ah,1,4,2,7,1,1,1,4,2,15,1,4,2,x,1,4,2,7,1,1,1,4,2,f,1,1l,1,4,2,1v,2,w,3,q,' +
  '6,2e,2,6,2,hs,1,s,3,2h,7,m,9,o,9,k,c,d,1,3,1,2,c,2m,2,a,6,a,6,e,1,b,6,2h,7,17,5,1y,a,v,1,c,4,c,' +
  '4,1,3,16,2,5,b,18,4,q,6,b,3,1q,2,1t,1,t,2,b,6,a,6,e,2,1a,2,c,k,25,1,4m,8,1o,3,f,3,1q,5,17,2,b,8,' +
  '17,5,eu,2,6,2,12,2,6,2,8,1,1,1,1,1,1,1,v,2,1h,1,f,1,e,2,6,1,j,2,3,1,9,h,o,8,1b,h,2,2,r,1,d,3,y,' +
  'e,x,f,3w,4,ii,m,b,l,1ec,2,am,5,19,1,1,5,1,2,1k,7,2,e,o,9,7,1,7,1,7,1,7,1,7,1,7,1,7,1,7,1,3i,y,q,' +
  '1,2h,c,5y,q,g,1,1r,1,2e,2,2v,5,17,1,2m,1,2e,9,1c,1,mlp,3,1j,9,9o,k,54,8,65,k,1o,3,a,6,1k,8,1y,8,' +
  'c,6,38,b,u,3,26,1,b,4,x,1,1j,9,e,2,a,2,2v,o,s,a,6,2,6,2,6,9,7,1,7,1,1o,4,3i,2,a,6,8mc,c,n,4,1d,' +
  '6is,a6,2,2y,12,7,c,5,5,q,1,5,1,1,1,2,1,2,1,i2,w,16,6,1f,1,j,1,4,4,5,1,3r,4,5a,3,6,2,6,2,6,2,3,3,' +
  '7,1,7,d,2,2,c,1,q,1,j,1,2,1,f,2,e,y,3f,5,3,4,19,3,2g,1,d,3,1,1b,1a,3m,t,3,1d,f,s,4,10,9,u,5,17,' +
  '5,u,1,11,4,e,16,4e,2,a,6,10,4,10,4,14,8,1g,b,c,1,f,1,7,1,2,1,b,1,f,1,7,1,2,3,1g,c,8n,9,m,a,8,o,' +
  '6,1,16,1,9,1x,6,2,1,1,18,1,2,3,1,2,n,1,20,8,9,1c,j,1,2,5,x,3,r,5,r,12,1k,4,k,2,1e,1,2,5,8,1,3,1,' +
  't,2,3,4,a,7,9,7,1s,w,13,4,c,9,1i,3,t,2,r,5,q,7,4,c,7,28,21,1j,1f,d,1f,7,1a,8,a,6,12,3,t,8,2,5s,' +
  'v,1,16,1,3,2,2,g,6,8,9,x,1a,8,16,m,q,12,s,k,n,9,26,4,10,9,1q,1,5,d,p,7,a,6,1h,1,i,8,13,9,2o,1,k,' +
  'b,i,1,1b,1q,7,1,1,1,4,1,f,1,b,6,1n,5,a,6,4,1,8,2,2,2,m,1,7,1,2,1,5,1,a,2,2,2,3,2,1,6,1,5,7,2,7,' +
  '3,5,b,a,1,1,2,1,1,12,1,a,1,1,2,1,1,4,1,a,1,2,8,2,t,2k,1,5,u,20,8,a,4m,1i,2,12,y,1x,b,a,6,d,j,1m,' +
  '6,a,6,k,s,r,2,f,4,n,55,1o,2s,2b,c,8,2,1,2,8,1,2,1,u,1,2,2,c,9,a,1y,8,2,1a,2,b,r,20,8,2b,d,21,7,' +
  'a,2e,8,2g,y,e,a,6,9,1,19,1,e,a,t,3,w,2,m,1,e,21,7,1,2,1,18,3,1,1,2,1,9,8,a,6,6,1,2,1,11,1,2,1,6,' +
  '7,a,6,18,4,a,6u,p,7,h,1,15,3,t,2d,1,f,1e,d,pn,2u,33,1,5,b,5g,218,2r,d,ts,g,m,a,32z,5,g7,5a1,1m,' +
  '1c6,ft,7,v,1,a,4,29,1,a,6,u,2,6,a,1y,a,a,1,7,1,l,5,j,c0,1m,5i,2j,5,p,2,p,18,23,4,1l,7,h,1s,5,b,' +
  '7,9,5p2,15,w,2p,37,6pp,4,1,7,1,2,1,83,f,1,t,3,2,1,e,4,8,b0,1s4,2z,5,d,3,9,7,a,2,4,31c,71,3,c4,6,' +
  'n,f,h,f,1a,2,n,9,38,1o,6u,a,13,2,22,8,34,l,1y,3e,k,c,k,c,2f,9,p,3r,2d,1,1z,1,2,2,1,2,2,2,4,1,c,' +
  '1,1,1,7,1,1t,1,4,2,8,1,7,1,s,1,4,1,5,1,1,3,7,1,9g,2,84,2,ji,f,5,1,f,uo,v,6,6,5x,7,1,h,2,7,1,2,1,' +
  '5,5,1q,x,1,34,19,3,e,2,a,4,2,8w,v,h,1m,5,1,cw,16,5y,17,4,1,5c,v,1,m,8,2,68,7,1,4,1,2,1,f,1,5h,2,' +
  'g,15,24,4,a,4,2,lt,1w,24,1p,5e,4,1,r,1,2,1,1,2,1,1,a,1,4,1,1,1,1,6,1,4,1,1,1,1,1,1,3,1,2,1,1,2,' +
  '1,1,1,1,1,1,1,1,1,1,2,1,1,2,4,1,7,1,4,1,4,1,1,1,a,1,h,5,3,1,5,1,h,1g,2,7i,18,4,2s,c,f,2,f,1,f,1,' +
  '11,a,4u,1k,t,d,18,4,9,7,2,e,6,4a,rd,3,h,3,d,3,62,6,c,4,1,f,c,4,1k,8,a,6,14,8,u,2,c,4,2,e,9,13,' +
  '9k,8,e,2,d,3,b,3,1l,1,1,4,g,2,c,4,a,7,43,1,2v,sl,wyo,w,3dq,2,4ge,2,5rl,f,ha,1wi,f2,15u,3t7,5,' +
  '6ju,f62u,6o';

let printBounds: Uint32Array | undefined;

/** bounds decodes PRINTABLE_RUNS once, on first use. */
function bounds(): Uint32Array {
  if (printBounds) return printBounds;
  const deltas = PRINTABLE_RUNS.split(',');
  const b = new Uint32Array(deltas.length);
  let at = 0;
  for (let i = 0; i < deltas.length; i++) b[i] = at += parseInt(deltas[i]!, 36);
  return (printBounds = b);
}

/**
 * isPrint is Go's `unicode.IsPrint` (and `strconv.IsPrint`): letters, marks,
 * numbers, punctuation, symbols and the ASCII space, but no other space.
 */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  const b = bounds();
  let lo = 0;
  let hi = b.length;
  // Count the boundaries at or below r: inside a printable run it is odd.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b[mid]! <= r) lo = mid + 1;
    else hi = mid;
  }
  return (lo & 1) === 1;
}

/** Go's short escapes, and the two characters that are always backslashed. */
const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** hex writes n in lowercase hex, zero-padded to width digits, as Go does. */
function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * escapeRune is how Quote writes the valid rune r, or undefined where Quote
 * writes r as itself.
 */
function escapeRune(r: number): string | undefined {
  const short = SHORT_ESCAPES[r];
  if (short !== undefined) return short;
  if (isPrint(r)) return undefined;
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  return r < 0x10000 ? '\\u' + hex(r, 4) : '\\U' + hex(r, 8);
}

/**
 * quote is Go's `strconv.Quote`, which is also `%q` of a Go string: a
 * double-quoted Go string literal, with `\xNN` for each byte that is not part
 * of valid UTF-8, Go's short escapes, and `\u`/`\U` for runes that are not
 * printable.
 */
export function quote(s: Uint8Array | string): string {
  return typeof s === 'string' ? quoteString(s) : quoteBytes(s);
}

/**
 * quoteString quotes the UTF-8 bytes of s without encoding them: a JavaScript
 * string is valid UTF-8 once encoded, so only its runes matter.
 */
function quoteString(s: string): string {
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    let r = s.charCodeAt(i);
    if (r >= 0x20 && r < 0x7f && r !== 0x22 && r !== 0x5c) continue;
    const at = i;
    let esc: string | undefined;
    if (r >= 0xd800 && r <= 0xdfff) {
      const lo = r <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
        i++;
        esc = escapeRune(r);
      } else {
        esc = '\ufffd';
      }
    } else {
      esc = escapeRune(r);
    }
    if (esc !== undefined) {
      out += s.slice(run, at) + esc;
      run = i + 1;
    }
  }
  return out + s.slice(run) + '"';
}

/**
 * decodeRune decodes the rune at p as Go's `utf8.DecodeRune` does and returns
 * `rune * 8 + width`, or -1 where the byte at p does not start a valid
 * sequence (Go's `RuneError` of width 1): overlong forms, surrogates, runes
 * past U+10FFFF and sequences cut short.
 */
export function decodeRune(b: Uint8Array, p: number): number {
  const c = b[p]!;
  if (c < 0x80) return c * 8 + 1;
  const n = b.length - p;
  if (c < 0xc2 || c > 0xf4 || n < 2) return -1;
  const c1 = b[p + 1]!;
  if (c < 0xe0) return c1 >= 0x80 && c1 <= 0xbf ? (((c & 0x1f) << 6) | (c1 & 0x3f)) * 8 + 2 : -1;
  // The second byte's range rules out overlong forms, surrogates and runes
  // past U+10FFFF.
  const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
  const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
  if (c1 < lo || c1 > hi || n < 3) return -1;
  const c2 = b[p + 2]!;
  if (c2 < 0x80 || c2 > 0xbf) return -1;
  if (c < 0xf0) return (((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f)) * 8 + 3;
  if (n < 4) return -1;
  const c3 = b[p + 3]!;
  if (c3 < 0x80 || c3 > 0xbf) return -1;
  return (((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f)) * 8 + 4;
}

/** Plain ASCII strings up to this length are turned into text in one call. */
const PLAIN_MAX = 4096;

/** quoteBytes quotes raw bytes, which need not be valid UTF-8. */
function quoteBytes(b: Uint8Array): string {
  let plain = b.length <= PLAIN_MAX;
  for (let i = 0; i < b.length && plain; i++) {
    const c = b[i]!;
    plain = c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c;
  }
  if (plain) return '"' + String.fromCharCode.apply(null, b as unknown as number[]) + '"';
  let out = '"';
  for (let p = 0; p < b.length; ) {
    const d = decodeRune(b, p);
    if (d < 0) {
      out += '\\x' + hex(b[p]!, 2);
      p++;
      continue;
    }
    const r = Math.floor(d / 8);
    p += d & 7;
    out += escapeRune(r) ?? String.fromCodePoint(r);
  }
  return out + '"';
}

/**
 * unquote is Go's `strconv.Unquote` on bytes: the value of a Go string
 * literal (double-quoted, back-quoted, or a single-quoted rune), or undefined
 * where Go fails with `invalid syntax`. Working on bytes keeps what Go keeps:
 * raw bytes in a back-quoted literal stay as they are, and an invalid byte in
 * a double-quoted one becomes U+FFFD.
 */
export function unquote(s: Uint8Array): Uint8Array | undefined {
  if (s.length < 2) return undefined;
  const q = s[0]!;
  const close = s.indexOf(q, 1);
  if (close < 0) return undefined;
  if (q === 0x60) {
    if (close !== s.length - 1) return undefined;
    return s.subarray(1, close).filter((c) => c !== 0x0d);
  }
  if (q !== 0x22 && q !== 0x27) return undefined;
  const out = new ByteSink(s.length);
  let p = 1;
  while (p < s.length && s[p] !== q) {
    p = unquoteChar(s, p, q, out);
    if (p < 0) return undefined;
    if (q === 0x27) break;
  }
  if (p !== s.length - 1 || s[p] !== q) return undefined;
  return out.bytes();
}

/**
 * ByteSink collects the bytes of an unquoted literal. Its capacity is fixed:
 * nothing unquotes to more than three times its length (an invalid byte
 * becomes the three bytes of U+FFFD; every escape is longer than its value).
 */
class ByteSink {
  private readonly buf: Uint8Array;
  private n = 0;

  constructor(inputLength: number) {
    this.buf = new Uint8Array(inputLength * 3);
  }

  /** push appends one byte. */
  push(b: number): void {
    this.buf[this.n++] = b;
  }

  /** rune appends the UTF-8 encoding of the valid rune r. */
  rune(r: number): void {
    if (r < 0x80) return this.push(r);
    if (r < 0x800) return (this.push(0xc0 | (r >> 6)), this.push(0x80 | (r & 0x3f)));
    if (r < 0x10000) this.push(0xe0 | (r >> 12));
    else this.push(0xf0 | (r >> 18)), this.push(0x80 | ((r >> 12) & 0x3f));
    this.push(0x80 | ((r >> 6) & 0x3f));
    this.push(0x80 | (r & 0x3f));
  }

  /** bytes is what has been collected. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

/** hexDigit is the value of the hex digit c, or -1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** The values of Go's one-letter escapes, by letter. */
const LETTER_ESCAPES: Record<number, number> = {
  0x61: 0x07,
  0x62: 0x08,
  0x66: 0x0c,
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
  0x76: 0x0b,
  0x5c: 0x5c,
};

/**
 * unquoteChar is Go's `strconv.UnquoteChar` inside a literal quoted by q: it
 * appends the character at p to out and returns where the next one starts,
 * or -1 on a syntax error (an unescaped quote or newline, a bad escape).
 */
function unquoteChar(s: Uint8Array, p: number, q: number, out: ByteSink): number {
  const c = s[p]!;
  if (c === q || c === 0x0a) return -1;
  if (c >= 0x80) {
    const d = decodeRune(s, p);
    out.rune(d < 0 ? 0xfffd : Math.floor(d / 8));
    return d < 0 ? p + 1 : p + (d & 7);
  }
  if (c !== 0x5c) return (out.push(c), p + 1);
  if (p + 1 >= s.length) return -1;
  const e = s[p + 1]!;
  p += 2;
  const letter = LETTER_ESCAPES[e];
  if (letter !== undefined) return (out.push(letter), p);
  if (e === 0x22 || e === 0x27) return e === q ? (out.push(e), p) : -1;
  const width = e === 0x78 ? 2 : e === 0x75 ? 4 : e === 0x55 ? 8 : 0;
  if (width > 0) {
    if (p + width > s.length) return -1;
    let v = 0;
    for (let j = 0; j < width; j++) {
      const x = hexDigit(s[p + j]!);
      if (x < 0) return -1;
      v = v * 16 + x;
    }
    if (width === 2) out.push(v);
    else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return -1;
    else out.rune(v);
    return p + width;
  }
  if (e < 0x30 || e > 0x37 || p + 2 > s.length) return -1;
  let v = e - 0x30;
  for (let j = 0; j < 2; j++) {
    const x = s[p + j]! - 0x30;
    if (x < 0 || x > 7) return -1;
    v = v * 8 + x;
  }
  if (v > 255) return -1;
  out.push(v);
  return p + 2;
}

/** isSpaceRune is Go's unicode.IsSpace for a rune past ASCII. */
function isSpaceRune(r: number): boolean {
  return (
    r === 0x85 || r === 0xa0 || r === 0x1680 || (r >= 0x2000 && r <= 0x200a) || r === 0x2028 || r === 0x2029 || r === 0x202f || r === 0x205f || r === 0x3000
  );
}

/**
 * spaceAt is Go's unicode.IsSpace on bytes: the width of the white-space rune
 * at p in b, or 0 if none is there.
 */
export function spaceAt(b: Uint8Array, p: number): number {
  const c = b[p]!;
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d) ? 1 : 0;
  const d = decodeRune(b, p);
  return d >= 0 && isSpaceRune(Math.floor(d / 8)) ? d & 7 : 0;
}

/** spaceBefore is the width of the white-space rune that ends at end, or 0. */
function spaceBefore(b: Uint8Array, start: number, end: number): number {
  const c = b[end - 1]!;
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d) ? 1 : 0;
  for (let w = 2; w <= 3 && end - w >= start; w++) {
    const d = decodeRune(b.subarray(end - w, end), 0);
    if (d >= 0 && (d & 7) === w && isSpaceRune(Math.floor(d / 8))) return w;
  }
  return 0;
}

/**
 * trimSpace is Go's strings.TrimSpace on b[start:end]: it returns the new
 * bounds. An invalid byte is no space, as in Go.
 */
export function trimSpace(b: Uint8Array, start: number, end: number): [number, number] {
  for (let w; start < end && (w = spaceAt(b, start)) > 0; ) start += w;
  for (let w; end > start && (w = spaceBefore(b, start, end)) > 0; ) end -= w;
  return [start, end];
}
