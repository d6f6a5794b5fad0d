import net from 'node:net';

/**
 * A loopback TCP relay in front of a server that a test can cut: block() drops every relayed
 * connection and refuses new ones (a network partition as the client sees it), unblock() lets
 * connections through again. The server keeps running, so it notices the silence and expires
 * sessions, which a server restart would not do.
 */
export interface TcpGate {
  readonly port: number;
  block(): void;
  unblock(): void;
  close(): Promise<void>;
}

export async function openTcpGate(targetPort: number, host = '127.0.0.1'): Promise<TcpGate> {
  const sockets = new Set<net.Socket>();
  let blocked = false;
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (blocked) return void client.destroy();
    const upstream = net.connect(targetPort, host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const dropAll = () => { for (const s of sockets) s.destroy(); };
  return {
    port: (server.address() as net.AddressInfo).port,
    block() { blocked = true; dropAll(); },
    unblock() { blocked = false; },
    close: () => new Promise<void>((resolve) => { dropAll(); server.close(() => resolve()); }),
  };
}
