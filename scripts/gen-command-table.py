#!/usr/bin/env python3
"""Regenerates lib/commands/redis-commands.json from a running redis-server 7.

The command table is data: names, arities, flags, key positions and key specs are Redis's public
interface, so we read them off the reference server instead of retyping 240 entries by hand.
Usage: redis-server --port 6399 --save '' & ; python3 scripts/gen-command-table.py 6399
"""
import json, subprocess, sys

port = sys.argv[1] if len(sys.argv) > 1 else "6379"

def cli(*args):
    out = subprocess.run(["redis-cli", "-p", port, "--json", *args], check=True, capture_output=True)
    return json.loads(out.stdout)

def entry(info, docs):
    name, arity, flags, first, last, step, acl, tips, specs, subs = info
    doc = docs.get(name, {}) if docs else {}
    sub_docs = doc.get("subcommands", {})
    e = {"name": name, "arity": arity, "flags": flags, "firstKey": first, "lastKey": last,
         "step": step, "acl": acl, "tips": tips, "keySpecs": specs,
         "docs": {k: v for k, v in doc.items() if k != "subcommands"}}
    if subs:
        e["subcommands"] = sorted((entry(s, sub_docs) for s in subs), key=lambda x: x["name"])
    return e

infos = cli("COMMAND", "INFO")
docs = cli("COMMAND", "DOCS")
table = sorted((entry(i, docs) for i in infos), key=lambda x: x["name"])
json.dump(table, open("lib/commands/redis-commands.json", "w"), separators=(",", ":"))
print(len(table), "commands")
