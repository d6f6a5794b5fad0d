/**
 * Loading the AOF at start: an optional snapshot preamble (written by a rewrite), then commands
 * replayed through the normal command handlers by a connection-less client. A file that ends
 * mid-command is cut back to its last complete command when `aof-load-truncated yes` (as Redis);
 * anything else that is not valid is fatal, with the file name and byte offset in the message.
 * A MULTI without its EXEC at the end of the file counts as truncated at the MULTI.
 */
import fs from 'node:fs';
import net from 'node:net';
import { Client } from '../client.js';
import { call } from '../dispatch.js';
import type { NodeServer } from '../server.js';
import { parseAofCommands, type AofCommand } from './aof-format.js';
import { applySnapshot, isSnapshot, parseSnapshotPrefix, SnapshotError } from './snapshot.js';

/** A load failure that must stop the node; the message names the file and the byte offset. */
export class LoadError extends Error {}

/** Replays the AOF at `file` into the server. Returns the file size after any repair. */
export function loadAof(server: NodeServer, file: string, allowTruncated: boolean): number {
  const data = fs.readFileSync(file);
  let start = 0;
  if (isSnapshot(data)) {
    try {
      const { sections, end } = parseSnapshotPrefix(data, server.dbs.length, true);
      applySnapshot(server, sections);
      start = end;
    } catch (e) {
      if (e instanceof SnapshotError) throw new LoadError(`Bad snapshot preamble in the append only file ${file}: ${e.message}`);
      throw e;
    }
  }
  const parsed = parseAofCommands(data, start);
  if (!parsed.ok && parsed.kind === 'corrupt') {
    throw new LoadError(`Bad file format reading the append only file ${file} at byte offset ${parsed.offset}: ${parsed.message}`);
  }
  const { commands, openMulti } = splitOpenMulti(parsed.commands);
  let validEnd = parsed.ok ? data.length : parsed.offset;
  if (openMulti !== null) validEnd = openMulti;
  replay(server, commands, file);
  if (validEnd < data.length) {
    const cut = data.length - validEnd;
    if (!allowTruncated) {
      throw new LoadError(`Unexpected end of file reading the append only file ${file} (last valid command ends at byte offset ${validEnd}, ${cut} bytes after it). ` +
        "You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
    }
    server.log.warning(`!!! Warning: short read while loading the AOF file ${file}!!!`);
    server.log.warning(`!!! Truncating the AOF at offset ${validEnd} (${cut} bytes cut) !!!`);
    fs.truncateSync(file, validEnd);
    server.log.warning('AOF loaded anyway because aof-load-truncated is enabled');
  }
  return validEnd;
}

/** Drops a trailing MULTI that never got its EXEC; returns where it began (or null). */
function splitOpenMulti(cmds: AofCommand[]): { commands: AofCommand[]; openMulti: number | null } {
  for (let i = cmds.length - 1; i >= 0; i--) {
    const name = cmds[i].argv[0].toLowerCase();
    if (name === 'exec') break;
    if (name === 'multi') return { commands: cmds.slice(0, i), openMulti: cmds[i].offset };
  }
  return { commands: cmds, openMulti: null };
}

/** Runs commands as Redis's fake AOF client: no socket, replies discarded, transactions inlined. */
function replay(server: NodeServer, commands: readonly AofCommand[], file: string): void {
  const c = new Client(server, new net.Socket(), 0);
  c.authenticated = true;
  for (const { argv, offset } of commands) {
    const name = argv[0].toLowerCase();
    // The whole file is applied before any client connects, so MULTI/EXEC need no queueing.
    if (name === 'multi' || name === 'exec') continue;
    let cmd = server.commandLookup.get(name);
    if (cmd?.subs && argv.length >= 2) cmd = cmd.subs.get(argv[1].toLowerCase()) ?? cmd;
    if (!cmd?.handler) throw new LoadError(`Unknown command '${argv[0]}' reading the append only file ${file} at byte offset ${offset}`);
    call(c, cmd, argv);
    // Nothing listens yet at start; if something does, its ops go out per command as usual.
    if (server.propagation.active) server.propagation.flush();
    c.out.take();
  }
  server.dirty = 0;
}
