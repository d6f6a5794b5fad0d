import { describe, expect, it } from 'vitest';
import { SLOT_COUNT } from '../../lib/slot/index.js';
import {
  DEFAULT_CONFIG, decodeOwners, encodeOwners, parseConfig, parseCoordinator, parseEvent, parseGroup,
  parseMigration, parseProxy, parseSlots, toBytes,
} from '../../lib/store/records.js';
import { clusterPaths } from '../../lib/store/cluster.js';

/** Expects a RecordError whose message names `field`. */
function rejects(fn: () => unknown, field: string): void {
  expect(fn).toThrowError(expect.objectContaining({ name: 'RecordError', message: expect.stringContaining(field) }));
}

describe('owner ranges', () => {
  it('round-trip a random table through the compact form', () => {
    const table = new Int32Array(SLOT_COUNT);
    let seed = 7;
    for (let i = 0, group = 1; i < SLOT_COUNT; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      if (seed % 97 === 0) group = seed % 5; // runs of groups 0..4, 0 = unassigned
      table[i] = group;
    }
    const ranges = encodeOwners(table);
    expect(decodeOwners(ranges)).toEqual(table);
    expect(ranges.every(([, , g]) => g > 0)).toBe(true);
    expect(parseSlots({ epoch: 1, owners: ranges, moving: {} }).owners).toEqual(ranges);
  });

  it('encode the extremes', () => {
    expect(encodeOwners(new Int32Array(SLOT_COUNT))).toEqual([]);
    expect(encodeOwners(new Array<number>(SLOT_COUNT).fill(3))).toEqual([[0, SLOT_COUNT - 1, 3]]);
    const halves = Array.from({ length: SLOT_COUNT }, (_, i) => (i < 8192 ? 1 : 2));
    expect(encodeOwners(halves)).toEqual([[0, 8191, 1], [8192, 16383, 2]]);
    expect(() => encodeOwners([1, 2, 3])).toThrow(RangeError);
  });
});

describe('record validators', () => {
  it('config: defaults fill in, bad fields are named', () => {
    expect(parseConfig('{"slots":16384}')).toEqual(DEFAULT_CONFIG);
    expect(parseConfig({ slots: 16384, syncReplicas: 1, downAfterMs: 3000 }).syncReplicas).toBe(1);
    rejects(() => parseConfig({ slots: 1024 }), 'config.slots');
    rejects(() => parseConfig({ slots: 16384, syncReplicas: -1 }), 'config.syncReplicas');
    rejects(() => parseConfig({ slots: 16384, downAfterMs: '5s' }), 'config.downAfterMs');
    rejects(() => parseConfig('{slots:'), 'config: invalid JSON');
    rejects(() => parseConfig('[]'), 'config');
  });

  it('slots: ranges in order and in bounds, moves well-formed', () => {
    const doc = { epoch: 3, owners: [[0, 99, 1], [100, 16383, 2]], moving: { '5': { from: 1, to: 2, state: 'migrating' } } };
    expect(parseSlots(toBytes(doc))).toEqual(doc);
    expect(parseSlots({ epoch: 0, owners: [] }).moving).toEqual({});
    rejects(() => parseSlots({ ...doc, epoch: -1 }), 'slots.epoch');
    rejects(() => parseSlots({ ...doc, owners: [[0, 99, 1], [50, 200, 2]] }), 'slots.owners[1][0]');
    rejects(() => parseSlots({ ...doc, owners: [[10, 5, 1]] }), 'slots.owners[0][1]');
    rejects(() => parseSlots({ ...doc, owners: [[0, 16384, 1]] }), 'slots.owners[0][1]');
    rejects(() => parseSlots({ ...doc, owners: [[0, 10, 0]] }), 'slots.owners[0][2]');
    rejects(() => parseSlots({ ...doc, owners: [[0, 10]] }), 'slots.owners[0]');
    rejects(() => parseSlots({ ...doc, moving: { '16384': { from: 1, to: 2, state: 'migrating' } } }), 'slots.moving["16384"]');
    rejects(() => parseSlots({ ...doc, moving: { '05': { from: 1, to: 2, state: 'migrating' } } }), 'slots.moving["05"]');
    rejects(() => parseSlots({ ...doc, moving: { '5': { from: 1, to: 2, state: 'done' } } }), 'slots.moving["5"].state');
    rejects(() => parseSlots({ ...doc, moving: { '5': { from: 2, to: 2, state: 'migrating' } } }), 'slots.moving["5"].to');
  });

  it('group: addresses, roles, one master', () => {
    const g = { id: 1, epoch: 2, servers: [{ addr: '127.0.0.1:7001', role: 'master' }, { addr: '[::1]:7002', role: 'replica' }] };
    expect(parseGroup(JSON.stringify(g))).toEqual(g);
    rejects(() => parseGroup({ ...g, id: 0 }), 'group.id');
    rejects(() => parseGroup({ ...g, servers: [g.servers[0], { addr: 'localhost', role: 'replica' }] }), 'group.servers[1].addr');
    rejects(() => parseGroup({ ...g, servers: [{ addr: 'h:70000', role: 'master' }] }), 'group.servers[0].addr');
    rejects(() => parseGroup({ ...g, servers: [g.servers[0], { addr: 'h:1', role: 'leader' }] }), 'group.servers[1].role');
    rejects(() => parseGroup({ ...g, servers: [g.servers[0], { addr: 'h:1', role: 'master' }] }), 'group.servers');
    rejects(() => parseGroup({ ...g, servers: [g.servers[0], { ...g.servers[0], role: 'replica' }] }), 'distinct addresses');
  });

  it('proxy, coordinator, migration, event', () => {
    const p = { id: 'p1', addr: '127.0.0.1:19000', adminAddr: '127.0.0.1:11080', pid: 42, host: 'box', startedAt: 1, slotsEpoch: 3, unreachable: [] };
    expect(parseProxy(p)).toEqual(p);
    expect(parseProxy({ ...p, unreachable: undefined }).unreachable).toEqual([]);
    rejects(() => parseProxy({ ...p, adminAddr: undefined }), 'proxy.adminAddr');
    rejects(() => parseProxy({ ...p, id: 'a/b' }), 'proxy.id');
    rejects(() => parseProxy({ ...p, unreachable: ['x'] }), 'proxy.unreachable[0]');

    expect(parseCoordinator({ addr: '127.0.0.1:18080', pid: 1, since: 5 }).since).toBe(5);
    rejects(() => parseCoordinator({ addr: '127.0.0.1:18080', pid: 0, since: 5 }), 'coordinator.pid');

    const m = { slots: [1, 2, 3], from: 1, to: 2, state: 'migrating', done: 1, total: 3, startedAt: 9 };
    expect(parseMigration(m)).toEqual(m);
    rejects(() => parseMigration({ ...m, done: 4 }), 'migration.done');
    rejects(() => parseMigration({ ...m, to: 1 }), 'migration.to');
    rejects(() => parseMigration({ ...m, slots: [] }), 'migration.slots');
    rejects(() => parseMigration({ ...m, slots: [1, 16384] }), 'migration.slots[1]');
    rejects(() => parseMigration({ ...m, state: 'paused' }), 'migration.state');

    expect(parseEvent({ at: 1, kind: 'failover', message: 'promoted 127.0.0.1:7002', data: { group: 1 } }).kind).toBe('failover');
    rejects(() => parseEvent({ at: 1, kind: '', message: 'x' }), 'event.kind');
    rejects(() => parseEvent({ at: 1, kind: 'k', message: 'x', data: [1] }), 'event.data');
  });

  it('keep fields they do not know', () => {
    const g = parseGroup({ id: 1, epoch: 0, servers: [], note: 'from a newer version' });
    expect((g as unknown as { note: string }).note).toBe('from a newer version');
  });
});

describe('cluster paths', () => {
  it('lay out the tree of DESIGN §2', () => {
    const p = clusterPaths('prod');
    expect(p.slots).toBe('/slotgate/prod/slots');
    expect(p.config).toBe('/slotgate/prod/config');
    expect(p.group(3)).toBe('/slotgate/prod/groups/3');
    expect(p.proxy('p-1')).toBe('/slotgate/prod/proxies/p-1');
    expect(p.coordinator).toBe('/slotgate/prod/coordinator');
    expect(p.migration('m1')).toBe('/slotgate/prod/migrations/m1');
    expect(p.eventPrefix).toBe('/slotgate/prod/events/e-');
  });

  it('refuse names that would escape their place', () => {
    rejects(() => clusterPaths('a/b'), 'cluster');
    rejects(() => clusterPaths('..'), 'cluster');
    rejects(() => clusterPaths('ok').proxy('../x'), 'proxy id');
    rejects(() => clusterPaths('ok').group(0), 'group id');
  });
});
