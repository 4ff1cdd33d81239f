/**
 * A real Chromium tab mines: the page (tests/browser/pages/mine.html) loads the cnn digits model in
 * the inference worker — WebGPU on SwiftShader in one tab, WASM in another — dials the relay over
 * WebSockets, takes a circuit reservation and announces itself on gossip. A validator in this
 * process finds both tabs (and a Node miner beside them) by their signed announces, challenges them
 * through the relay, and scores their answers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { startRelay, type Relay } from '../../relay/relay/node.ts';
import { fileRegistry } from '../../relay/registry/registry.ts';
import { startNodeMiner } from '../../relay/miner/node-miner.ts';
import { startValidator, type Validator } from '../../relay/validator/validator.ts';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import type { MineStats } from './pages/mine.ts';
import { until } from '../support/until.ts';

const NETUID = 7;
/** Items per challenge: SwiftShader WebGPU runs the cnn at ~100 ms per item, so keep it small. */
const BATCH = 8;
const TABS = [
  { uid: 1, uri: '//Bob//tab0', provider: 'webgpu' },
  { uid: 2, uri: '//Bob//tab1', provider: 'wasm' },
] as const;
const NODE_MINER = { uid: 3, uri: '//Bob//miner0' };

const dir = mkdtempSync(join(tmpdir(), 'webtensor-tab-'));
const stops: Array<() => Promise<unknown>> = [];


/** Runs `body` (JavaScript source, so vitest's transform never touches it) in the page with `m = window.webtensorMine`. */
function inPage<T>(page: Page, body: string, arg?: unknown): Promise<T> {
  return page.evaluate(
    ([source, value]) => new Function('arg', `return (async () => { const m = window.webtensorMine; ${source} })()`)(value),
    [body, arg] as const,
  ) as Promise<T>;
}

afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('a Chromium tab mining through the relay', () => {
  let relay: Relay;
  let validator: Validator;
  const pages: Page[] = [];
  const started: MineStats[] = [];

  beforeAll(async () => {
    await keysReady();
    const validatorKey = keypair('//Alice//validator0');
    const registryFile = join(dir, 'registry.json');
    writeFileSync(
      registryFile,
      JSON.stringify({
        netuid: NETUID,
        neurons: [
          { uid: 0, hotkey: validatorKey.address, validatorPermit: true, stake: 1000 },
          ...TABS.map((t) => ({ uid: t.uid, hotkey: keypair(t.uri).address })),
          { uid: NODE_MINER.uid, hotkey: keypair(NODE_MINER.uri).address },
        ],
      }),
    );
    const registry = fileRegistry(registryFile, NETUID);
    let browser: Browser;
    let app: AppServer;
    [browser, app, relay] = await Promise.all([
      launchChromium(),
      startAppServer(),
      startRelay({ host: '127.0.0.1', port: 0, httpPort: 0, keyFile: join(dir, 'relay.key'), netuids: [NETUID] }),
    ]);
    stops.push(() => app.close(), () => browser.close(), () => relay.stop());

    validator = await startValidator({
      relays: relay.multiaddrs,
      netuid: NETUID,
      taskId: 'digits-v1',
      hotkey: validatorKey,
      dbPath: join(dir, 'validator.db'),
      registry,
      roundIntervalMs: 0,
      batch: BATCH,
      timeoutMs: 15_000,
      weightsEveryRounds: 2,
      http: null,
    });
    stops.push(() => validator.stop());
    const nodeMiner = await startNodeMiner({ relays: relay.multiaddrs, netuid: NETUID, taskId: 'digits-v1', model: 'cnn', hotkey: keypair(NODE_MINER.uri), registry, announceEveryMs: 1_000 });
    stops.push(() => nodeMiner.stop());

    for (const tab of TABS) {
      const page = await browser.newPage();
      page.on('pageerror', (error) => console.error(`[${tab.provider} tab] page error: ${error.message}`));
      await page.goto(`${app.url}tests/browser/pages/mine.html`);
      await page.waitForFunction(() => 'webtensorMine' in window, null, { timeout: 30_000 });
      pages.push(page);
    }
    // Both tabs load their model and connect at once (WebGPU's first run compiles shaders: seconds).
    started.push(
      ...(await Promise.all(
        TABS.map((tab, i) =>
          inPage<MineStats>(pages[i], 'return await m.start(arg);', {
            relays: relay.multiaddrs,
            netuid: NETUID,
            hotkeyUri: tab.uri,
            modelId: 'cnn',
            provider: tab.provider,
            validators: [validatorKey.address],
            announceEveryMs: 1_000,
            warmupBatch: BATCH,
          }),
        ),
      )),
    );
    stops.push(...pages.map((p) => () => inPage(p, 'await m.stop();')));
    await until('the validator to hear both tabs and the Node miner', () => validator.live().length === TABS.length + 1, 15_000);
  }, 50_000);

  it('loads the model on the asked provider and holds a circuit address on the relay', () => {
    for (const [i, tab] of TABS.entries()) {
      const s = started[i];
      expect(s.provider, s.fallbackReason).toBe(tab.provider);
      expect(s.hotkey).toBe(keypair(tab.uri).address);
      expect(s.relayConnected).toBe(true);
      expect(s.addresses.some((a) => a.includes(`/p2p/${relay.peerId}/p2p-circuit/p2p/${s.peerId}`)), s.addresses.join(' ')).toBe(true);
      const live = validator.live().find((m) => m.hotkey === s.hotkey);
      expect(live).toMatchObject({ peerId: s.peerId, modelId: 'cnn', provider: tab.provider });
    }
  });

  it("scores the tabs' answers like the Node miner's", async () => {
    for (let r = 0; r < 2; r++) {
      const report = await validator.runRound();
      expect(report.challenged).toBe(TABS.length + 1);
      for (const o of report.outcomes) {
        expect(o.outcome, `uid ${o.uid}: ${o.reason}`).toBe('scored');
        expect(o.quality, `uid ${o.uid}`).toBeGreaterThan(0.5);
      }
      if (r === 1) {
        // Every miner runs the same cnn: the weights give each a share.
        expect(report.weights?.uids.sort()).toEqual([1, 2, 3]);
        expect(Math.min(...report.weights!.weights)).toBeGreaterThan(0);
      }
    }
    for (const [i, tab] of TABS.entries()) {
      const s = await inPage<MineStats>(pages[i], 'return m.stats();');
      expect(s.answered, `${tab.provider} tab: ${s.log.join('\n')}`).toBe(2);
      expect(s.failed).toBe(0);
      expect(s.refused).toEqual({});
      expect(s.lastInferenceMs).toBeGreaterThan(0);
    }
  }, 45_000);
});
