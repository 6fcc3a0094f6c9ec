// Serves the built console (console/build, a SvelteKit static SPA) on the router's port: hashed
// assets cached for a year, index.html for the SPA's routes, everything else yields to the JSON 404.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';

/** console/build seen from router/{src,dist}/server/http/: the same depth in both trees. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../../console/build/', import.meta.url));

/** The console's client-side routes: a hard reload on any of them gets index.html. */
const SPA_ROUTES = ['/login', '/atendente', '/supervisor', '/admin'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wav': 'audio/wav',
};

/** Files SvelteKit names by content hash: they never change, so browsers may keep them for good. */
const IMMUTABLE_PREFIX = '/_app/immutable/';
const MAX_FILE_BYTES = 8 * 1024 * 1024;

interface Asset {
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  contentType: string;
  cacheControl: string;
  etag: string;
}

/**
 * Registers GET /* for the console when its build exists (returns false otherwise). Register it
 * before the JSON fallback: uWS ranks a GET route above `any`, and a non-console path yields to it.
 */
export function serveConsole(app: TemplatedApp, dir: string = DEFAULT_CONSOLE_DIR): boolean {
  if (!existsSync(join(dir, 'index.html'))) return false;
  const assets = loadAssets(dir);
  const index = assets.get('/index.html')!;
  app.get('/*', (res: HttpResponse, req: HttpRequest) => {
    const url = req.getUrl();
    const asset = assets.get(url) ?? (isSpaRoute(url) ? index : undefined);
    if (!asset) {
      req.setYield(true);
      return;
    }
    send(res, asset, req.getHeader('accept-encoding'), req.getHeader('if-none-match'));
  });
  return true;
}

function isSpaRoute(url: string): boolean {
  if (url === '/' || url === '/index.html') return true;
  return SPA_ROUTES.some((route) => url === route || url.startsWith(`${route}/`));
}

function send(res: HttpResponse, asset: Asset, acceptEncoding: string, ifNoneMatch: string): void {
  if (ifNoneMatch !== '' && ifNoneMatch === asset.etag) {
    res.writeStatus('304 Not Modified').writeHeader('etag', asset.etag).writeHeader('cache-control', asset.cacheControl).endWithoutBody();
    return;
  }
  const encoding = asset.br && /\bbr\b/.test(acceptEncoding) ? 'br' : asset.gzip && /\bgzip\b/.test(acceptEncoding) ? 'gzip' : undefined;
  const body = encoding === 'br' ? asset.br! : encoding === 'gzip' ? asset.gzip! : asset.body;
  res.writeStatus('200 OK');
  res.writeHeader('content-type', asset.contentType);
  res.writeHeader('cache-control', asset.cacheControl);
  res.writeHeader('etag', asset.etag);
  res.writeHeader('x-content-type-options', 'nosniff');
  if (asset.br || asset.gzip) res.writeHeader('vary', 'accept-encoding');
  if (encoding) res.writeHeader('content-encoding', encoding);
  res.end(body);
}

/** Reads the whole build once (a few hundred KB): answering from memory needs no async I/O in uWS handlers. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of walk(dir)) {
    if (file.endsWith('.br') || file.endsWith('.gz')) continue;
    const url = `/${relative(dir, file).split(sep).join('/')}`;
    const body = readFileSync(file);
    const compressed = (suffix: string) => (existsSync(file + suffix) ? readFileSync(file + suffix) : undefined);
    assets.set(url, {
      body,
      br: compressed('.br'),
      gzip: compressed('.gz'),
      contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      cacheControl: url.startsWith(IMMUTABLE_PREFIX) ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
    });
  }
  return assets;
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && statSync(path).size <= MAX_FILE_BYTES) yield path;
  }
}
