import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseToml, TomlError } from '../../lib/config/toml.js';
import { parseProxyArgs } from '../../proxy/main.js';

describe('TOML subset', () => {
  test('values, arrays, comments, sections', () => {
    const m = parseToml(`# proxy
port = 19000   # the client port
bind = "127.0.0.1"
backends = ["a:1", 'b:2',]
read_from_replicas = false
big = 1_000
[admin]
port = 11080
note = "has # inside"`);
    expect(Object.fromEntries(m)).toEqual({
      port: 19000, bind: '127.0.0.1', backends: ['a:1', 'b:2'], read_from_replicas: false, big: 1000, 'admin.port': 11080, 'admin.note': 'has # inside',
    });
  });

  test('errors name the line', () => {
    expect(() => parseToml('port = 1\nport = 2', 'p.toml')).toThrow(new TomlError("p.toml:2: 'port' is set twice"));
    expect(() => parseToml('just words', 'p.toml')).toThrow(/p\.toml:1: expected key = value/);
    expect(() => parseToml('x = "open', 'p.toml')).toThrow(/unterminated string/);
    expect(() => parseToml('x = 1.5e3', 'p.toml')).toThrow(/unexpected '.5e3'/);
  });

  test('a proxy config file, overridden by the command line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toml-'));
    const file = path.join(dir, 'proxy.toml');
    fs.writeFileSync(file, 'port = 19001\nbackends = ["127.0.0.1:7001", "127.0.0.1:7002"]\nread_from_replicas = true\nmaxclients = 50\n');
    try {
      const o = parseProxyArgs(['--config', file, '--maxclients', '60']);
      expect(o).toMatchObject({ port: 19001, backends: ['127.0.0.1:7001', '127.0.0.1:7002'], readFromReplicas: true, maxclients: 60 });
      fs.writeFileSync(file, 'colour = "blue"\n');
      expect(() => parseProxyArgs(['--config', file])).toThrow('unknown option --colour');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
