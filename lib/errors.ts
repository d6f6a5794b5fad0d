/**
 * Every error reply slotgate sends, worded exactly as Redis words it. Handlers never spell an error
 * text inline: they reply with one of these, so wording stays consistent across nodes and proxies.
 */
export const Err = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  incrNanOrInf: 'ERR increment would produce NaN or Infinity',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidDbIndex: 'ERR invalid DB index',
  sourceDestSame: 'ERR source and destination objects are the same',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  offsetOutOfRange: 'ERR offset is out of range',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNoPassword:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  noProto: 'NOPROTO unsupported protocol version',
  maxClients: 'ERR max number of clients reached',
  arity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  unknownCommand: (name: string, args: readonly string[]) =>
    `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${argsPreview(args)}`,
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${cmd.toUpperCase()} HELP.`,
  unsupportedParameter: (p: string) => `ERR Unsupported CONFIG parameter: ${p}`,
  timeoutNegative: 'ERR timeout is negative',
  readonlyReplica: "READONLY You can't write against a read only replica.",
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  nestedMulti: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  watchInMulti: 'ERR WATCH inside MULTI is not allowed',
  crossSlot: "CROSSSLOT Keys in request don't hash to the same slot",
  tryAgain: 'TRYAGAIN Multiple keys request during rehashing of slot',
  clusterDown: 'CLUSTERDOWN Hash slot not served',
  clusterDisabled: 'ERR This instance has cluster support disabled',
  moved: (slot: number, addr: string) => `MOVED ${slot} ${addr}`,
  ask: (slot: number, addr: string) => `ASK ${slot} ${addr}`,
  debugNotAllowed:
    'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
  protectedMode:
    "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.",
  // String commands (nodes/commands/strings.ts, lcs.ts).
  decrementOverflow: 'ERR decrement would overflow',
  lcsWrongType: 'ERR The specified keys must contain string values',
  lcsLenAndIdx: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsTooLong: 'ERR String too long for LCS',
  lcsMemoryLimit: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  lcsAllocFailed: 'ERR Insufficient memory, failed allocating transient memory for LCS',
  // Generic keyspace commands (nodes/commands/keys*.ts, expire-args.ts).
  invalidCursor: 'ERR invalid cursor',
  unsupportedOption: (opt: string) => `ERR Unsupported option ${opt}`,
  expireNxAndOthers: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  expireGtAndLt: 'ERR GT and LT options at the same time are not compatible',
  intOutOfRange: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  invalidFirstDb: 'ERR invalid first DB index',
  invalidSecondDb: 'ERR invalid second DB index',
  copyInClusterMode: 'ERR Copying to another database is not allowed in cluster mode',
  moveInClusterMode: 'ERR MOVE is not allowed in cluster mode',
  swapdbInClusterMode: 'ERR SWAPDB is not allowed in cluster mode',
  lfuNotSelected:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  // Sets, bitmaps, HyperLogLog (nodes/commands/sets.ts, bitmaps.ts, hyperloglog.ts).
  setNumkeysNotPositive: 'ERR numkeys should be greater than 0',
  setNumkeysTooMany: "ERR Number of keys can't be greater than number of args",
  setLimitNegative: "ERR LIMIT can't be negative",
  spopCountNotPositive: 'ERR value is out of range, must be positive',
  srandmemberCountRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  bitposBit: 'ERR The bit argument must be 1 or 0.',
  bitopNotSingle: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflowType: 'ERR Invalid OVERFLOW type specified',
  bitfieldRoGetOnly: 'ERR BITFIELD_RO only supports the GET subcommand',
  hllWrongType: 'WRONGTYPE Key is not a valid HyperLogLog string value.',
  hllCorrupted: 'INVALIDOBJ Corrupted HLL object detected',
  // Sorted sets (nodes/commands/zset*.ts).
  zaddXxAndNx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrPair: 'ERR INCR option supports a single increment-element pair',
  zsetNaN: 'ERR resulting score is not a number (NaN)',
  zsetMinMaxNotFloat: 'ERR min or max is not a float',
  zsetMinMaxNotLex: 'ERR min or max not valid string range item',
  zrangeLimitNeedsBy: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zrangeWithscoresBylex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  zsetAtLeastOneKey: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  zsetWeightNotFloat: 'ERR weight value is not a float',
  zsetLimitNegative: "ERR LIMIT can't be negative",
  zsetNumkeys: 'ERR numkeys should be greater than 0',
  zsetCount: 'ERR count should be greater than 0',
  zsetMustBePositive: 'ERR value is out of range, must be positive',
  zsetOutOfRange: 'ERR value is out of range',
  zsetRandCountRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  // SORT, GEO*, DUMP/RESTORE (nodes/commands/sort.ts, geo.ts, dump.ts).
  sortScores: "ERR One or more scores can't be converted into double",
  sortByInCluster: 'ERR BY option of SORT denied in Cluster mode.',
  sortGetInCluster: 'ERR GET option of SORT denied in Cluster mode.',
  sortStoreNoList: 'ERR SORT STORE needs the list type, which this node does not have yet',
} as const;

/** Redis lists up to 128 bytes of the arguments of an unknown command, each quoted. */
function argsPreview(args: readonly string[]): string {
  let out = '';
  for (const a of args) {
    if (out.length >= 128) break;
    out += `'${a.slice(0, 128 - out.length)}' `;
  }
  return out;
}
