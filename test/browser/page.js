// The in-page half of test/browser.test.ts: reads a trace with the browser
// bundle's Reader from each kind of input a web page has, and hands back
// what Go's -d=parsed would print (one Event.String() a line) and the
// error the reading ended with. Plain JavaScript, so that the browser runs
// exactly what is written here.
import { Reader, TraceError } from '/browser.js';

/**
 * source fetches `url` and turns the response into the input `how` names:
 * the bytes, an ArrayBuffer, a Blob, or the response body's stream itself.
 * "counted" is the body's stream passed through a TransformStream that
 * counts its chunks, to show that they arrived as more than one.
 */
async function source(url, how, counter) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  switch (how) {
    case 'bytes':
      return new Uint8Array(await response.arrayBuffer());
    case 'arraybuffer':
      return await response.arrayBuffer();
    case 'blob':
      return await response.blob();
    case 'stream':
      return response.body;
    case 'counted':
      return response.body.pipeThrough(
        new TransformStream({
          transform(chunk, controller) {
            counter.chunks++;
            controller.enqueue(chunk);
          },
        }),
      );
    default:
      throw new Error(`no input kind ${how}`);
  }
}

/**
 * readTrace reads the trace at `url` from the input `how` names. It never
 * throws for a bad trace: the error comes back as plain data, with whether
 * it is the bundle's TraceError.
 */
async function readTrace(url, how) {
  const counter = { chunks: 0 };
  const reader = new Reader(await source(url, how, counter));
  const lines = [];
  let error = null;
  try {
    for await (const ev of reader) lines.push(ev.toString() + '\n');
  } catch (e) {
    error = { traceError: e instanceof TraceError, name: e.name, goMessage: e.goMessage, message: e.message };
  }
  return { text: lines.join(''), error, chunks: counter.chunks };
}

window.readTrace = readTrace;
