import net from 'node:net';

/** A TCP port that was free a moment ago: bind port 0 on loopback, read it, release it. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A port p such that p … p+count-1 were all free a moment ago (bound together, then released). */
export async function freePortRun(count: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort(host);
    const held: net.Server[] = [];
    try {
      for (let i = 1; i < count; i++) {
        held.push(await new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(base + i, host, () => resolve(s));
        }));
      }
      return base;
    } catch {
      // base+i was taken: try another base
    } finally {
      await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
    }
  }
  throw new Error(`no run of ${count} free ports found`);
}
