// Node's Buffer has fast latin1 codecs that @types/node does not declare. They skip the encoding
// switch of toString()/write(), which shows up in profiles of the request and reply paths.
export {};
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
  }
}
