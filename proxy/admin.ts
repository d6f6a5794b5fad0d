/**
 * The proxy's admin HTTP server (default 127.0.0.1:11080): Prometheus metrics, liveness and
 * readiness probes, and JSON views of the proxy's state for people and the dashboard.
 */
import { listenHttp } from '../lib/http/listen.js';
import { router, sendJson, sendText } from '../lib/http/router.js';
import { proxyMetrics } from './metrics.js';
import type { ProxyStats } from './stats.js';

export interface AdminOptions {
  host: string;
  port: number;
  stats: ProxyStats;
  /** /api/status body. */
  status: () => object;
  /** /api/slots body. */
  slots: () => object;
  /** True once the proxy can route (it has a table): /readyz answers 200, else 503. */
  ready: () => boolean;
}

export async function createAdminServer(opts: AdminOptions): Promise<{ port: number; close(): Promise<void> }> {
  const registry = proxyMetrics(opts.stats);
  return listenHttp(router({
    '/metrics': async (_req, res) => sendText(res, 200, await registry.metrics(), registry.contentType),
    '/healthz': (_req, res) => sendText(res, 200, 'ok\n'),
    '/readyz': (_req, res) => (opts.ready() ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready\n')),
    '/api/status': (_req, res) => sendJson(res, 200, opts.status()),
    '/api/slots': (_req, res) => sendJson(res, 200, opts.slots()),
  }), opts.host, opts.port);
}
