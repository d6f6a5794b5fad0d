/**
 * Starts an HTTP server and gives back its port and a close() that also ends idle keep-alive
 * connections, so stopping a process (or a test) never waits for a scraper's open socket.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpListener {
  port: number;
  close(): Promise<void>;
}

export function listenHttp(
  listener: http.RequestListener,
  host: string,
  port: number,
): Promise<HttpListener> {
  const server = http.createServer(listener);
  // Malformed requests get a 400 from node and the socket is closed; nothing reaches us.
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
