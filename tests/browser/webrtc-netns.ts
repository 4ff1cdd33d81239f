/**
 * Run by tests/browser/webrtc.test.ts inside a network namespace of its own (browsers gather no
 * ICE candidates on loopback alone; the namespace has a dummy interface at 10.77.0.1). Starts a
 * relay, the Vite dev server and Chromium, opens two tabs with WebRTC peers, has tab A dial tab B's
 * `/webrtc` address (signalling through the relay's circuit), closes the relayed A↔B link, stops
 * the relay, and then publishes gossip from A on a topic the relay never joined. Prints one line
 * `RESULT <json>` with what each step saw; the test asserts on it.
 *
 *   unshare --net --pid --fork --kill-child sh -c '<namespace setup>; exec node --import tsx tests/browser/webrtc-netns.ts'
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startRelay, type Relay } from '../../relay/relay/node.ts';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import type { ConnectionInfo, RtcPageApi } from './pages/webrtc.ts';

const NETUID = 11;
const TOPIC = 'webtensor-test/webrtc-direct';
const DIAL_ATTEMPTS = 4;
const DIAL_ATTEMPT_MS = 8_000;

const started = Date.now();
const step = (line: string) => process.stderr.write(`[webrtc-netns +${Date.now() - started} ms] ${line}\n`);

type Call = { [K in keyof RtcPageApi]: RtcPageApi[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

/** Calls `window.webtensorRtc[name](...args)` in the page (JavaScript source: no bundler rewrites it). */
function api(page: Page): Call {
  return new Proxy({} as Call, {
    get:
      (_, name: string) =>
      (...args: unknown[]) =>
        page.evaluate(([n, a]) => new Function('n', 'a', 'return window.webtensorRtc[n](...a)')(n, a), [name, args] as const),
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'webtensor-rtc-'));
  let relay: Relay | undefined;
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  try {
    [relay, app, browser] = await Promise.all([
      startRelay({ host: '127.0.0.1', port: 0, httpPort: 0, keyFile: join(dir, 'relay.key'), netuids: [NETUID] }),
      startAppServer(),
      launchChromium({ webgpu: false }),
    ]);
    step(`relay ${relay.multiaddrs.join(' ')}, app ${app.url}`);
    const pages: Page[] = [];
    for (const name of ['A', 'B']) {
      const page = await browser.newPage();
      page.on('pageerror', (error) => step(`tab ${name} page error: ${error.message}`));
      await page.goto(`${app.url}tests/browser/pages/webrtc.html`);
      await page.waitForFunction(() => 'webtensorRtc' in window, null, { timeout: 30_000 });
      pages.push(page);
    }
    const [a, b] = pages.map(api);
    const relays = relay.multiaddrs;
    const [infoA, infoB] = await Promise.all([a.start({ relays }), b.start({ relays })]);
    step(`tabs up: A ${infoA.peerId}, B ${infoB.peerId}`);
    const addrB = await until('a /webrtc address on tab B', async () => (await b.webrtcAddresses())[0], 10_000);
    await Promise.all([a.subscribe(TOPIC), b.subscribe(TOPIC)]);

    const dialStarted = Date.now();
    const dial = await a.dial(addrB, DIAL_ATTEMPTS, DIAL_ATTEMPT_MS);
    const dialMs = Date.now() - dialStarted;
    step(`dialled ${addrB} in ${dialMs} ms (${dial.attempts} attempt(s)${dial.errors.length ? `: ${dial.errors.join(' | ')}` : ''})`);

    // The peers close the circuit between them once WebRTC is up and move gossipsub onto WebRTC.
    const onlyWebRtc = (conns: ConnectionInfo[]) =>
      conns.length > 0 && conns.every((c) => c.remoteAddr.includes('/webrtc')) && conns.some((c) => c.streams.some((x) => x.includes('/meshsub/')));
    await until(
      'A and B to keep only the WebRTC connection, with gossipsub on it',
      async () => onlyWebRtc((await a.state()).connections.filter((c) => c.remotePeer === infoB.peerId)) && onlyWebRtc((await b.state()).connections.filter((c) => c.remotePeer === infoA.peerId)),
      10_000,
    ).catch(async (error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; A ${JSON.stringify((await a.state()).connections)}; B ${JSON.stringify((await b.state()).connections)}`);
    });
    await until('A and B to see each other subscribed', async () => (await a.subscribers(TOPIC)).includes(infoB.peerId) && (await b.subscribers(TOPIC)).includes(infoA.peerId), 10_000);
    const relayTopics = relay.node.services.pubsub.getTopics();

    await relay.stop();
    relay = undefined;
    await until('both tabs to lose the relay', async () => !(await a.state()).relayConnected && !(await b.state()).relayConnected, 10_000);
    const beforePublish = { a: await a.state(), b: await b.state() };
    step('relay stopped; publishing');

    const text = `direct ${Math.random().toString(36).slice(2)}`;
    const recipients = await a.publish(TOPIC, text);
    const received = await until('tab B to receive the gossip', async () => (await b.state()).received.find((m) => m.text === text), 10_000).catch(async (error: unknown) => {
      const report = async (page: Call) => JSON.stringify({ ...(await page.state()), gossip: await page.gossip(TOPIC) });
      throw new Error(`${error instanceof Error ? error.message : String(error)}; published to [${recipients.join(', ')}]; A ${await report(a)}; B ${await report(b)}`);
    });
    step(`B received "${received.text}" from ${received.propagationSource}`);
    return {
      ok: true,
      topic: TOPIC,
      peers: { a: infoA.peerId, b: infoB.peerId },
      addrB,
      dial: { ...dial, ms: dialMs },
      relayTopics,
      beforePublish,
      sent: { text, recipients },
      received,
      ms: Date.now() - started,
    };
  } finally {
    await browser?.close().catch(() => {});
    await app?.close().catch(() => {});
    await relay?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

const deadline = setTimeout(() => {
  process.stdout.write(`RESULT ${JSON.stringify({ ok: false, error: 'webrtc-netns: overall deadline (75 s) passed' })}\n`);
  process.exit(1);
}, 75_000);
main()
  .then((result) => process.stdout.write(`RESULT ${JSON.stringify(result)}\n`))
  .catch((error: unknown) => {
    process.stdout.write(`RESULT ${JSON.stringify({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(deadline);
    // libp2p and Vite may leave handles behind; the result is out.
    setTimeout(() => process.exit(), 200).unref();
  });
