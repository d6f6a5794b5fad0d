import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminServer } from '../../proxy/admin.js';
import { ProxyStats, type BackendState } from '../../proxy/stats.js';

/** The value of one sample in Prometheus text format, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (have.length === want.length && want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

/** Sends raw bytes and returns whatever the server answers before closing. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    s.setTimeout(5000, () => s.destroy(new Error('no answer')));
    s.on('data', (d) => { reply += d.toString(); });
    s.on('error', reject);
    s.on('close', () => resolve(reply));
  });
}

describe('proxy admin server', () => {
  const stats = new ProxyStats();
  let backends: BackendState[] = [];
  let ready = false;
  let status: () => object = () => ({ port: 19000, sessions: 2 });
  let admin: { port: number; close(): Promise<void> };
  const url = (p: string) => `http://127.0.0.1:${admin.port}${p}`;
  const metrics = async () => (await fetch(url('/metrics'))).text();

  beforeAll(async () => {
    stats.backends = () => backends;
    admin = await createAdminServer({
      host: '127.0.0.1', port: 0, stats,
      status: () => status(),
      slots: () => ({ epoch: 3, ranges: [{ from: 0, to: 16383, group: 1 }] }),
      ready: () => ready,
    });
  });
  afterAll(async () => { await admin?.close(); });

  it('exports command counts by result and a cumulative latency histogram', async () => {
    const get = stats.command('get');
    get.calls = 4;
    get.errors = 1;
    for (const s of [0.0002, 0.003, 2]) get.observe(s);
    stats.command('set').calls = 7;

    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'slotgate_proxy_commands_total', { command: 'get', result: 'ok' })).toBe(3);
    expect(sample(text, 'slotgate_proxy_commands_total', { command: 'get', result: 'error' })).toBe(1);
    expect(sample(text, 'slotgate_proxy_commands_total', { command: 'set', result: 'ok' })).toBe(7);
    expect(text).toContain('# TYPE slotgate_proxy_command_duration_seconds histogram');
    const bucket = (le: string) => sample(text, 'slotgate_proxy_command_duration_seconds_bucket', { command: 'get', le });
    expect([bucket('0.0001'), bucket('0.00025'), bucket('0.0025'), bucket('0.005'), bucket('1'), bucket('5'), bucket('+Inf')])
      .toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(sample(text, 'slotgate_proxy_command_duration_seconds_count', { command: 'get' })).toBe(3);
    expect(sample(text, 'slotgate_proxy_command_duration_seconds_sum', { command: 'get' })).toBeCloseTo(2.0032, 6);
    // Labels are command names only: no key ever becomes a label.
    expect(text).not.toMatch(/key=/);
  });

  it('reads sessions, bytes, redirects, backends and the epoch at every scrape', async () => {
    Object.assign(stats, {
      sessionsOpen: 2, sessionsTotal: 10, sessionsRejected: 1, bytesIn: 1234, bytesOut: 5678,
      redirectsMoved: 3, redirectsAsk: 4, tryAgain: 5, backendErrors: 6, slotsEpoch: 9,
    });
    backends = [
      { addr: '127.0.0.1:7001', connected: true, inflight: 12, sharedConns: 2, privateConns: 1, failures: 0 },
      { addr: '127.0.0.1:7002', connected: false, inflight: 0, sharedConns: 0, privateConns: 0, failures: 3 },
    ];
    const text = await metrics();
    const expected: [string, Record<string, string>, number][] = [
      ['slotgate_proxy_sessions_open', {}, 2],
      ['slotgate_proxy_sessions_total', {}, 10],
      ['slotgate_proxy_sessions_rejected_total', {}, 1],
      ['slotgate_proxy_bytes_in_total', {}, 1234],
      ['slotgate_proxy_bytes_out_total', {}, 5678],
      ['slotgate_proxy_redirects_total', { kind: 'moved' }, 3],
      ['slotgate_proxy_redirects_total', { kind: 'ask' }, 4],
      ['slotgate_proxy_tryagain_total', {}, 5],
      ['slotgate_proxy_backend_errors_total', {}, 6],
      ['slotgate_proxy_slots_epoch', {}, 9],
      ['slotgate_proxy_backend_connected', { backend: '127.0.0.1:7001' }, 1],
      ['slotgate_proxy_backend_connected', { backend: '127.0.0.1:7002' }, 0],
      ['slotgate_proxy_backend_inflight', { backend: '127.0.0.1:7001' }, 12],
      ['slotgate_proxy_backend_connections', { backend: '127.0.0.1:7001', kind: 'shared' }, 2],
      ['slotgate_proxy_backend_connections', { backend: '127.0.0.1:7001', kind: 'private' }, 1],
      ['slotgate_proxy_backend_failures_total', { backend: '127.0.0.1:7002' }, 3],
    ];
    for (const [name, labels, value] of expected) expect([name, labels, sample(text, name, labels)]).toEqual([name, labels, value]);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('nodejs_heap_size_used_bytes');

    // A backend that left the table leaves the metrics too; counters move with the stats.
    backends = backends.slice(0, 1);
    stats.sessionsTotal = 11;
    const next = await metrics();
    expect(sample(next, 'slotgate_proxy_backend_connected', { backend: '127.0.0.1:7002' })).toBeUndefined();
    expect(sample(next, 'slotgate_proxy_sessions_total')).toBe(11);
  });

  it('answers health and readiness probes', async () => {
    const health = await fetch(url('/healthz'));
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    ready = false;
    expect((await fetch(url('/readyz'))).status).toBe(503);
    ready = true;
    expect((await fetch(url('/readyz?verbose'))).status).toBe(200);
  });

  it('serves the status and slots callbacks as JSON', async () => {
    const res = await fetch(url('/api/status'));
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ port: 19000, sessions: 2 });
    expect(await (await fetch(url('/api/slots'))).json()).toEqual({ epoch: 3, ranges: [{ from: 0, to: 16383, group: 1 }] });
  });

  it('answers 404, 405 and 500 with JSON and keeps serving after bad requests', async () => {
    const missing = await fetch(url('/nope'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found', path: '/nope' });
    expect((await fetch(url('/metrics/extra'))).status).toBe(404);

    const post = await fetch(url('/api/status'), { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);

    status = () => { throw new Error('status exploded'); };
    const broken = await fetch(url('/api/status'));
    expect([broken.status, await broken.json()]).toEqual([500, { error: 'status exploded' }]);
    status = () => ({ ok: true });

    expect(await raw(admin.port, 'THIS IS NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(admin.port, 'GET /%zz%% HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 404/);
    expect(await (await fetch(url('/api/status'))).json()).toEqual({ ok: true });
  });
});
