import { int, name } from './validate.js';

/** Where everything of a cluster lives in the store (DESIGN §2). */
export const STORE_ROOT = '/slotgate';

export interface ClusterPaths {
  root: string;
  config: string;
  slots: string;
  groups: string;
  group(id: number): string;
  proxies: string;
  proxy(id: string): string;
  coordinator: string;
  migrations: string;
  migration(id: string): string;
  events: string;
  /** Prefix for sequential event nodes: create(eventPrefix, …, {sequential: true}). */
  eventPrefix: string;
}

export function clusterPaths(cluster: string): ClusterPaths {
  const root = `${STORE_ROOT}/${name(cluster, 'cluster')}`;
  const groups = `${root}/groups`;
  const proxies = `${root}/proxies`;
  const migrations = `${root}/migrations`;
  const events = `${root}/events`;
  return {
    root,
    config: `${root}/config`,
    slots: `${root}/slots`,
    groups,
    group: (id) => `${groups}/${int(id, 'group id', 1)}`,
    proxies,
    proxy: (id) => `${proxies}/${name(id, 'proxy id')}`,
    coordinator: `${root}/coordinator`,
    migrations,
    migration: (id) => `${migrations}/${name(id, 'migration id')}`,
    events,
    eventPrefix: `${events}/e-`,
  };
}
