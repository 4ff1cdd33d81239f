/**
 * p2p adapter: the libp2p peer every webtensor node runs (browser tab, Node miner, validator) and
 * the request/response helper that carries challenges and answers on direct streams.
 * The wire format itself lives in src/protocol; this folder only moves bytes.
 */
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export { createPeer, PeerConfigError, type PeerNode, type PeerOptions, type PeerServices, type RelayStatus, type WebtensorPeer } from './peer.ts';
export { sendRequest, serveRequests, type RequestHandler, type RequestOptions, type ServeOptions } from './request.ts';
export { bootstrapRelays, BootstrapError, resolveRelays } from './bootstrap.ts';
