// A static file server for the browser test, on 127.0.0.1 at a port the
// system picks. It serves only the files it is given and logs every path
// asked for, so that the test can tell what the page fetched.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Route is one file the server hands out: its path on disk and its media type. */
export interface Route {
  file: string;
  type: string;
}

/** StaticServer is a running server: where it listens and what it was asked for. */
export interface StaticServer {
  /** origin is the server's address, as http://127.0.0.1:PORT. */
  origin: string;
  /** requests are the paths asked for, in order, query included. */
  requests: string[];
  /** close stops the server. */
  close(): Promise<void>;
}

/**
 * sendInPieces writes `body` `size` bytes at a time with a pause between
 * writes, so that the browser sees a response body arrive as many chunks,
 * as a large trace does over a network.
 */
async function sendInPieces(res: ServerResponse, body: Buffer, size: number): Promise<void> {
  for (let at = 0; at < body.length; at += size) {
    res.write(body.subarray(at, at + size));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  res.end();
}

/**
 * handle answers one request from `routes`. A query `?pieces=N` asks for the
 * body N bytes at a time (see sendInPieces); anything not routed is a 404.
 */
function handle(routes: Map<string, Route>, requests: string[], req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  requests.push(url.pathname + url.search);
  const route = routes.get(url.pathname);
  if (!route || req.method !== 'GET') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const body = readFileSync(route.file);
  const pieces = Number(url.searchParams.get('pieces') ?? 0);
  res.setHeader('content-type', route.type);
  res.setHeader('cache-control', 'no-store');
  if (pieces > 0) {
    void sendInPieces(res, body, pieces);
  } else {
    res.setHeader('content-length', body.length);
    res.end(body);
  }
}

/** serve starts a server of `routes` (URL path to file) and resolves once it listens. */
export async function serve(routes: Record<string, Route>): Promise<StaticServer> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => handle(table, requests, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
