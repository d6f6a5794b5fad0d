/**
 * The cluster tree on top of a Store: where records live, how they are updated (compare-and-set
 * loops) and how the coordinator waits for proxies to apply a slots epoch.
 */
export { clusterPaths, STORE_ROOT, type ClusterPaths } from './cluster-paths.js';
export { casLoop, type CasOptions, type Mutation } from './cas.js';
export { waitForProxyAcks, type AckResult } from './acks.js';
