/**
 * Finding the relay: a relay address is either a multiaddr (`/ip4/…/tcp/9090/ws/p2p/12D3…`) or the
 * URL of a relay's HTTP server, whose `/bootstrap` lists its multiaddrs — so a PWA on static
 * hosting needs only the relay's web address. Works in browsers and Node (global fetch).
 */
export class BootstrapError extends Error {
  override name = 'BootstrapError';
}

/** Multiaddrs from a relay's `/bootstrap` (the URL may name the endpoint or just the server). */
export async function bootstrapRelays(url: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
  const endpoint = new URL(url);
  if (!endpoint.pathname.endsWith('/bootstrap')) endpoint.pathname = `${endpoint.pathname.replace(/\/$/, '')}/bootstrap`;
  let body: unknown;
  try {
    const res = await fetch(endpoint, { signal: options.signal ?? AbortSignal.timeout(5_000) });
    if (!res.ok) throw new BootstrapError(`${endpoint.href} answered ${res.status}`);
    body = await res.json();
  } catch (error) {
    if (error instanceof BootstrapError) throw error;
    throw new BootstrapError(`cannot read ${endpoint.href}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const multiaddrs = (body as { multiaddrs?: unknown } | null)?.multiaddrs;
  if (!Array.isArray(multiaddrs) || multiaddrs.length === 0 || !multiaddrs.every((m) => typeof m === 'string')) {
    throw new BootstrapError(`${endpoint.href} lists no multiaddrs`);
  }
  return multiaddrs as string[];
}

/** Each entry as given when it is a multiaddr, else the multiaddrs its `/bootstrap` lists. */
export async function resolveRelays(entries: string[], options: { signal?: AbortSignal } = {}): Promise<string[]> {
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith('/')) out.push(entry);
    else if (/^https?:\/\//.test(entry)) out.push(...(await bootstrapRelays(entry, options)));
    else throw new BootstrapError(`relay "${entry}" is neither a multiaddr nor an http(s) URL`);
  }
  return out;
}
