/**
 * The proxy's Prometheus metrics (research lesson 10), read from ProxyStats at scrape time: the hot
 * path only bumps plain counters and never calls prom-client. Labels are bounded: command names from
 * the command table (never keys), backend addresses from the route table, fixed kinds.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { BucketHistogram } from '../lib/metrics/bucket-histogram.js';
import { counterFrom, gaugeFrom, type Sample } from '../lib/metrics/from-callbacks.js';
import { LATENCY_BUCKETS, type BackendState, type ProxyStats } from './stats.js';

const P = 'slotgate_proxy_';

/** A Registry of its own (not prom-client's global one), so several proxies can live in one process. */
export function proxyMetrics(stats: ProxyStats): Registry {
  const registry = new Registry();
  commandMetrics(registry, stats);
  sessionMetrics(registry, stats);
  backendMetrics(registry, stats);
  collectDefaultMetrics({ register: registry });
  return registry;
}

function commandMetrics(registry: Registry, stats: ProxyStats): void {
  counterFrom<'command' | 'result'>({
    registry, name: `${P}commands_total`, help: 'Commands answered, by command and result (ok or error reply).',
    labelNames: ['command', 'result'],
    *read() {
      for (const [command, c] of stats.commands) {
        yield [{ command, result: 'ok' }, c.calls - c.errors];
        yield [{ command, result: 'error' }, c.errors];
      }
    },
  });
  new BucketHistogram<'command'>({
    registry, name: `${P}command_duration_seconds`, help: 'Forwarded commands: time from the request read to its reply queued to the client, by command.',
    bounds: LATENCY_BUCKETS,
    *read() {
      for (const [command, c] of stats.commands) yield { labels: { command }, buckets: c.buckets, sum: c.sumSeconds };
    },
  });
  counterFrom<'kind'>({
    registry, name: `${P}redirects_total`, help: 'Backend redirects followed, by kind (moved, ask).',
    labelNames: ['kind'],
    read: () => [[{ kind: 'moved' }, stats.redirectsMoved], [{ kind: 'ask' }, stats.redirectsAsk]],
  });
  counterFrom({ registry, name: `${P}tryagain_total`, help: '-TRYAGAIN replies retried.', read: () => stats.tryAgain });
  counterFrom({ registry, name: `${P}backend_errors_total`, help: 'Backend connection failures and timeouts.', read: () => stats.backendErrors });
  gaugeFrom({ registry, name: `${P}slots_epoch`, help: 'Slots epoch of the route table in use (0 in static mode).', read: () => stats.slotsEpoch });
}

function sessionMetrics(registry: Registry, stats: ProxyStats): void {
  gaugeFrom({ registry, name: `${P}sessions_open`, help: 'Client connections open.', read: () => stats.sessionsOpen });
  counterFrom({ registry, name: `${P}sessions_total`, help: 'Client connections accepted.', read: () => stats.sessionsTotal });
  counterFrom({ registry, name: `${P}sessions_rejected_total`, help: 'Client connections refused (maxclients).', read: () => stats.sessionsRejected });
  counterFrom({ registry, name: `${P}bytes_in_total`, help: 'Bytes read from clients.', read: () => stats.bytesIn });
  counterFrom({ registry, name: `${P}bytes_out_total`, help: 'Bytes written to clients.', read: () => stats.bytesOut });
}

function backendMetrics(registry: Registry, stats: ProxyStats): void {
  /** One snapshot per scrape would need a scrape hook; the pool's states() is cheap, so each metric reads it. */
  const per = (value: (b: BackendState) => number) => function* (): Iterable<Sample<'backend'>> {
    for (const b of stats.backends()) yield [{ backend: b.addr }, value(b)];
  };
  gaugeFrom<'backend'>({
    registry, name: `${P}backend_connected`, help: '1 while the shared connection to the backend is up.',
    labelNames: ['backend'], read: per((b) => (b.connected ? 1 : 0)),
  });
  gaugeFrom<'backend'>({
    registry, name: `${P}backend_inflight`, help: 'Requests written to the backend, not yet answered.',
    labelNames: ['backend'], read: per((b) => b.inflight),
  });
  counterFrom<'backend'>({
    registry, name: `${P}backend_failures_total`, help: 'Connection failures per backend.',
    labelNames: ['backend'], read: per((b) => b.failures),
  });
  gaugeFrom<'backend' | 'kind'>({
    registry, name: `${P}backend_connections`, help: 'Connections open to the backend, by kind (shared = multiplexed, private = blocking/transactions/pub-sub).',
    labelNames: ['backend', 'kind'],
    *read() {
      for (const b of stats.backends()) {
        yield [{ backend: b.addr, kind: 'shared' }, b.sharedConns];
        yield [{ backend: b.addr, kind: 'private' }, b.privateConns];
      }
    },
  });
}
