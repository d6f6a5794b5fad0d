/**
 * A tiny HTTP router for the admin endpoints of the proxy and the dashboard: exact paths, GET/HEAD
 * only, JSON replies. Anything unexpected becomes a JSON error reply, never a crash: a broken
 * handler answers 500 and the server keeps serving.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
export type Routes = Record<string, Handler>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  send(res, status, contentType, text);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  // HEAD: same headers, no body (node drops it, but say so explicitly).
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

/** A request listener serving `routes` by exact path (the query string is ignored). */
export function router(routes: Routes): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = pathOf(req.url);
    const handler = path !== null && Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!handler) return sendJson(res, 404, { error: 'not found', path: path ?? req.url });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: 'method not allowed', method: req.method });
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((e: unknown) => sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) }));
  };
}

function pathOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://x').pathname;
  } catch {
    return null;
  }
}
