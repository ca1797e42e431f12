// A small static file server for the built app (dist/), so the browser tests
// need nothing but node: loopback only, a free port picked by the OS, the
// MIME types the app needs (WebAssembly streaming requires application/wasm),
// and no request can read outside the served folder.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The MIME type served for a file name. */
export function mimeType(fileName) {
  return MIME_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

async function fileAt(candidate) {
  const info = await stat(candidate).catch(() => null);
  if (info?.isDirectory()) return fileAt(path.join(candidate, 'index.html'));
  return info?.isFile() ? candidate : null;
}

async function respond(root, options, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (!pathname.startsWith(options.prefix)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  const candidate = path.resolve(root, `.${pathname.slice(options.prefix.length - 1)}`);
  if (candidate !== root && !candidate.startsWith(root + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  const file = await fileAt(candidate);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  const body = await readFile(file);
  res.writeHead(200, {
    'content-type': mimeType(file),
    'content-length': body.length,
    'cache-control': 'no-store',
    ...(mimeType(file).startsWith('text/html') ? options.headers : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Serves `dir` on 127.0.0.1 at a free port, under the URL path `prefix`
 * (a static host's sub-folder), adding `headers` to HTML responses (a
 * Content-Security-Policy, say). Resolves to `{ url, close }`; `url` ends
 * with a slash; `close` also drops open connections, as a stopped server.
 */
export async function serveDir(dir, { prefix = '/', headers = {} } = {}) {
  const root = path.resolve(dir);
  const options = { prefix, headers };
  const server = http.createServer((req, res) => {
    respond(root, options, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}
