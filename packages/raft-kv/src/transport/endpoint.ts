/** The default path of the Raft endpoint on a member's peer listener. */
export const DEFAULT_RAFT_PATH = '/raft';

/**
 * The WebSocket URL of a peer's Raft endpoint, from its peer URL: `http://h:p` becomes
 * `ws://h:p/raft`, `https://` becomes `wss://` (ws:// and wss:// are taken as they are; a
 * path in the peer URL is kept as a prefix). Throws on any other scheme.
 */
export function raftEndpoint(peerUrl: string, path: string = DEFAULT_RAFT_PATH): string {
  const url = new URL(peerUrl);
  const schemes: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new Error(`a peer URL must be http(s) or ws(s), got ${peerUrl}`);
  url.protocol = scheme;
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Whether a peer URL asks for TLS. */
export function isSecureUrl(peerUrl: string): boolean {
  const protocol = new URL(peerUrl).protocol;
  return protocol === 'https:' || protocol === 'wss:';
}
