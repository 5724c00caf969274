import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BROWSER_BUNDLE_FILE,
  type BrowserBundle,
  buildBrowserBundle,
} from '../../packages/client/scripts/browser-bundle.js';

// Serves the browser example: index.html, app.js and the client's browser bundle (built in
// memory at start, so no `npm run build` is needed), on 127.0.0.1. Any static server does the
// same with this folder and packages/client/dist/browser/dist-space-client.js copied into it.
//
//   npm start                                     # the Dist-Space server; prints a dev token
//   npm run example:browser -- --token <token>    # prints the page's address

const here = fileURLToPath(new URL('./', import.meta.url));

/** The example's static server. */
export interface ExampleServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the example page and `bundle` on `host:port` (port 0 picks a free one). */
export async function serveExample(options: {
  readonly bundle: BrowserBundle;
  readonly host?: string;
  readonly port?: number;
}): Promise<ExampleServer> {
  const files = new Map<string, { type: string; body: string }>([
    ['/', { type: 'text/html', body: await readFile(`${here}index.html`, 'utf8') }],
    ['/app.js', { type: 'text/javascript', body: await readFile(`${here}app.js`, 'utf8') }],
    [`/${BROWSER_BUNDLE_FILE}`, { type: 'text/javascript', body: options.bundle.code }],
    [`/${BROWSER_BUNDLE_FILE}.map`, { type: 'application/json', body: options.bundle.sourceMap }],
  ]);
  const http = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'http://x').pathname);
    response.writeHead(file ? 200 : 404, {
      'content-type': `${file?.type ?? 'text/plain'}; charset=utf-8`,
      'cache-control': 'no-store',
    });
    response.end(file?.body ?? 'Not found.');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** The page's address with where to connect in its query string. */
export function exampleUrl(
  base: string,
  settings: { server: string; token?: string; workspace?: string; file?: string },
): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.href;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      server: { type: 'string', default: 'ws://127.0.0.1:4455/' },
      token: { type: 'string' },
      workspace: { type: 'string', default: 'demo' },
      file: { type: 'string', default: 'notes.md' },
      port: { type: 'string', default: '8080' },
    },
  });
  const served = await serveExample({
    bundle: await buildBrowserBundle(),
    port: Number(values.port),
  });
  const { server, token, workspace, file } = values;
  process.stdout.write(
    `Browser example on ${served.url}\nOpen (in two windows):\n  ${exampleUrl(served.url, { server, token, workspace, file })}\n`,
  );
  if (!token) process.stdout.write('  (no --token: pass the token `npm start` printed)\n');
}
