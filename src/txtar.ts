// Go's txtar archives (golang.org/x/tools/txtar, internal/txtar), in which Go
// keeps its golden trace reader tests: a free-form comment, then files, each
// introduced by a marker line `-- NAME --`. Go's tests have two files,
// `expect` (SUCCESS, or FAILURE and a quoted regexp) and `trace` (the trace in
// Go's raw text format).
import { quote, trimSpace, unquote } from './quote';

/** TxtarFile is one file of an archive. */
export interface TxtarFile {
  /** name is the name from the marker line, trimmed of white space. */
  name: string;
  /** data is the file's bytes, ending in a newline unless empty. */
  data: Uint8Array;
  /** line is the line number, in the archive, of the file's first line. */
  line: number;
}

/** Txtar is a parsed archive. */
export interface Txtar {
  /** comment is what comes before the first marker line. */
  comment: Uint8Array;
  files: TxtarFile[];
}

const NEWLINE = 0x0a;
const utf8 = new TextDecoder();

/**
 * parseTxtar parses an archive as Go's txtar.Parse does. It cannot fail: text
 * without marker lines is an archive with a comment and no files.
 */
export function parseTxtar(data: Uint8Array | string): Txtar {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const files: TxtarFile[] = [];
  let found = findMarker(bytes, 0);
  const comment = sectionData(bytes, 0, found.at);
  let line = 1 + countLines(bytes, 0, found.after);
  while (found.name !== undefined) {
    const name = found.name;
    const start = found.after;
    found = findMarker(bytes, start);
    files.push({ name, data: sectionData(bytes, start, found.at), line });
    line += countLines(bytes, start, found.after);
  }
  return { comment, files };
}

/** Marker is where the next marker line starts, its name, and where its line ends. */
interface Marker {
  at: number;
  name: string | undefined;
  after: number;
}

/**
 * findMarker finds the first marker line at or after `from` that starts a
 * line; with none, `at` and `after` are the end of the input.
 */
function findMarker(b: Uint8Array, from: number): Marker {
  let p = from;
  for (;;) {
    const m = markerAt(b, p);
    if (m) return m;
    const nl = b.indexOf(NEWLINE, p);
    if (nl < 0) return { at: b.length, name: undefined, after: b.length };
    p = nl + 1;
  }
}

/**
 * markerAt reads the line at p as a marker line: `-- `, a name, ` --`. A name
 * that trims to nothing makes no marker, as in Go.
 */
function markerAt(b: Uint8Array, p: number): Marker | undefined {
  if (b[p] !== 0x2d || b[p + 1] !== 0x2d || b[p + 2] !== 0x20) return undefined;
  const nl = b.indexOf(NEWLINE, p);
  const end = nl < 0 ? b.length : nl;
  if (end - p < 6 || b[end - 3] !== 0x20 || b[end - 2] !== 0x2d || b[end - 1] !== 0x2d) return undefined;
  const [ns, ne] = trimSpace(b, p + 3, end - 3);
  if (ns === ne) return undefined;
  const name = utf8.decode(b.subarray(ns, ne));
  return { at: p, name, after: nl < 0 ? b.length : nl + 1 };
}

/**
 * sectionData is the bytes from start to end; the last section gets a final
 * newline if it lacks one (Go's fixNL), the others end before their marker.
 */
function sectionData(b: Uint8Array, start: number, end: number): Uint8Array {
  const d = b.subarray(start, end);
  if (end < b.length || d.length === 0 || d[d.length - 1] === NEWLINE) return d;
  const fixed = new Uint8Array(d.length + 1);
  fixed.set(d);
  fixed[d.length] = NEWLINE;
  return fixed;
}

/** countLines is the number of newlines in b[start:end]. */
function countLines(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let p = b.indexOf(NEWLINE, start); p >= 0 && p < end; p = b.indexOf(NEWLINE, p + 1)) n++;
  return n;
}

/** Expectation is the verdict a Go golden test expects of Go's reader. */
export interface Expectation {
  /** failure says whether the reading must fail. */
  failure: boolean;
  /** pattern is, for a failure, the regular expression (Go's RE2 syntax) its error must match. */
  pattern?: string;
}

/** GoTest is a Go golden reader test: its expectation and its trace as raw text. */
export interface GoTest {
  expect: Expectation;
  /** trace is the `trace` file: Go's raw text format. */
  trace: TxtarFile;
}

/**
 * parseGoTest reads a golden test archive as Go's testtrace.ParseFile does:
 * exactly two files, `expect` then `trace`. It throws an Error that names
 * what is wrong with a malformed test.
 */
export function parseGoTest(data: Uint8Array | string): GoTest {
  const { files } = parseTxtar(data);
  if (files.length !== 2) throw new Error('malformed test: wrong number of files');
  if (files[0]!.name !== 'expect') throw new Error(`malformed test: bad filename ${files[0]!.name}`);
  if (files[1]!.name !== 'trace') throw new Error(`malformed test: bad filename ${files[1]!.name}`);
  return { expect: parseExpectation(files[0]!.data), trace: files[1]! };
}

/**
 * parseExpectation reads the first line of an `expect` file as Go's
 * testtrace.ParseExpectation does: `SUCCESS`, or `FAILURE` and a Go-quoted
 * regular expression. An empty file expects success, as in Go.
 */
export function parseExpectation(data: Uint8Array): Expectation {
  const nl = data.indexOf(NEWLINE);
  let first = data.subarray(0, nl < 0 ? data.length : nl);
  if (first[first.length - 1] === 0x0d) first = first.subarray(0, first.length - 1);
  if (first.length === 0 && nl < 0) return { failure: false };
  const sp = first.indexOf(0x20);
  const word = utf8.decode(sp < 0 ? first : first.subarray(0, sp));
  if (word === 'SUCCESS') return { failure: false };
  if (word !== 'FAILURE') throw new Error(`bad header line: ${quote(first)}`);
  if (sp < 0) throw new Error(`bad header line for FAILURE: ${quote(first)}`);
  const pattern = unquote(first.subarray(sp + 1));
  if (pattern === undefined) throw new Error(`malformed pattern: not correctly quoted: ${utf8.decode(first.subarray(sp + 1))}`);
  return { failure: true, pattern: utf8.decode(pattern) };
}
