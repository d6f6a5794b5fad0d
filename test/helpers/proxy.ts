/**
 * Proxies for tests: in-process in static mode over the given backends (real sockets on a free
 * port), optionally with the admin endpoint.
 */
import { DEFAULT_PROXY_OPTIONS, ProxyServer, type ProxyOptions } from '../../proxy/server.js';
import { staticTable } from '../../proxy/route-table.js';

export interface InProcessProxy {
  server: ProxyServer;
  port: number;
  stop(): Promise<void>;
}

export async function startStaticProxy(backendPorts: number[], opts: Partial<ProxyOptions> = {}): Promise<InProcessProxy> {
  const backends = backendPorts.map((p) => `127.0.0.1:${p}`);
  const server = new ProxyServer({ ...DEFAULT_PROXY_OPTIONS, port: 0, backends, ...opts });
  server.setTable(staticTable(backends));
  await server.listen();
  return { server, port: server.port, stop: () => server.stop() };
}
