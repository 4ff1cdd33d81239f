/**
 * The headless validator. Each round it
 *   1. reads who is registered (chain metagraph or registry file) and who is live (signed announces
 *      heard on gossip, bound hotkey ↔ PeerId),
 *   2. samples live registered miners and sends each its own challenge — inputs drawn from the
 *      validator's secret, a fresh nonce, a deadline — on a direct stream (through the relay's
 *      circuit for miners behind it),
 *   3. checks each answer (signature, PeerId, echoed nonce, challenge id, deadline, contract) and
 *      scores it with the subnet's task spec, a little less the slower it came,
 *   4. folds the scores into a per-uid moving average, committed to SQLite with the round,
 * and every `weightsEveryRounds` rounds turns the averages into a u16 weight vector, queues it in
 * SQLite and delivers it to its sinks (signed gossip; `set_weights` on chain when configured),
 * retrying with backoff until each sink took it.
 *
 *   const v = await startValidator({ relays, netuid: 1, taskId: 'digits-v1', hotkey: pair, dbPath, registry });
 *   await v.runRound();          // or let the timer run rounds every roundIntervalMs
 *   await v.stop();
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from '@libp2p/gossipsub';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { Counter, Gauge, Histogram, Registry as MetricsRegistry, collectDefaultMetrics } from 'prom-client';
import { createPeer, sendRequest, type WebtensorPeer } from '../../src/p2p/index.ts';
import {
  CHALLENGE_PROTOCOL,
  checkAnswer,
  decodeMessage,
  encodeMessage,
  isProtocolError,
  MAX_ENVELOPE_BYTES,
  protocolReady,
  ReplayGuard,
  topics,
  type ChallengePayload,
  type Signer,
} from '../../src/protocol/index.ts';
import { answerScore, DEFAULT_SCORING, emaUpdate, sample, weightsFromScores, type ScoringPolicy } from '../../src/scoring/index.ts';
import { deriveSeed, getSubnet, outputsProblem, Rng } from '../../src/subnets/index.ts';
import type { Member, Registry } from '../registry/registry.ts';
import type { SubtensorClient } from '../../src/chain/client.ts';
import { watchChainEpochs, type EpochCheck, type EpochWatcher } from './epoch-check.ts';
import { OffChainEpochs, type OffChainEpochResult } from './offchain-epoch.ts';
import { ValidatorStore, type RoundScore, type WeightRow } from './store.ts';

/** Where weight vectors go: gossip always, the chain when one is configured. */
export interface WeightSink {
  readonly name: string;
  deliver(row: WeightRow): Promise<void>;
}

export interface ValidatorConfig {
  relays: string[];
  netuid: number;
  /** The subnet's task spec id (e.g. 'digits-v1'). */
  taskId: string;
  /** The validator's hotkey. */
  hotkey: Signer;
  dbPath: string;
  registry: Registry;
  /** Pause between rounds (ms). 0: rounds run only when `runRound()` is called. */
  roundIntervalMs: number;
  /** Miners challenged per round. */
  samplePerRound: number;
  /** Items per challenge (default: the task's default batch). */
  batch?: number;
  /** Time a miner has to answer (ms). */
  timeoutMs: number;
  /** Weights are set every this many rounds. */
  weightsEveryRounds: number;
  /** Miners not heard from for this long are not challenged. */
  minerTtlMs: number;
  scoring: ScoringPolicy;
  /** Extra sinks beside gossip (e.g. the chain). */
  sinks?: WeightSink[];
  /**
   * The chain, when there is one: after each epoch the validator compares the chain's Yuma outputs
   * with webtensor's own (metrics `webtensor_validator_chain_*`) and gossips the chain's result.
   */
  chainClient?: SubtensorClient;
  /** The version key put in gossiped weight vectors (the chain's WeightsVersionKey when on chain). */
  versionKey?: () => Promise<number> | number;
  /** HTTP for /health, /metrics, /scores: host and port (0 = any); null = no HTTP. */
  http: { host: string; port: number } | null;
  log?: (line: string) => void;
}

export const DEFAULT_VALIDATOR_CONFIG = {
  roundIntervalMs: 2_000,
  samplePerRound: 16,
  timeoutMs: 5_000,
  weightsEveryRounds: 10,
  minerTtlMs: 60_000,
  scoring: DEFAULT_SCORING,
  http: { host: '127.0.0.1', port: 9092 },
} as const satisfies Partial<ValidatorConfig>;

/** A miner heard on gossip. */
export interface LiveMiner {
  hotkey: string;
  peerId: string;
  multiaddrs: string[];
  modelId: string;
  modelSha256: string;
  provider: string;
  seenMs: number;
}

/** What one challenge came to. `outcome` is a metrics label. */
export interface ChallengeOutcome {
  uid: number;
  hotkey: string;
  score: number;
  quality: number;
  outcome: 'scored' | 'rejected' | 'error-answer' | 'timeout' | 'unreachable' | 'protocol';
  reason: string | null;
  roundTripMs: number;
  /** The inference time the miner reported (scored answers only). */
  inferenceMs?: number;
}

export interface RoundReport {
  round: number;
  challenged: number;
  outcomes: ChallengeOutcome[];
  durationMs: number;
  weights?: { uids: number[]; weights: number[] };
}

export interface Validator {
  peer: WebtensorPeer;
  store: ValidatorStore;
  metrics: MetricsRegistry;
  httpUrl?: string;
  hotkey: string;
  live(): LiveMiner[];
  /** Runs one round now (rounds never overlap). */
  runRound(): Promise<RoundReport>;
  /** Builds, queues and delivers a weight vector from the current scores now. */
  setWeights(): Promise<{ uids: number[]; weights: number[] }>;
  /** Delivers queued weight vectors whose retry time has come. */
  flushWeights(): Promise<void>;
  stop(): Promise<void>;
}

export async function startValidator(partial: Partial<ValidatorConfig> & Pick<ValidatorConfig, 'relays' | 'netuid' | 'taskId' | 'hotkey' | 'dbPath' | 'registry'>): Promise<Validator> {
  const config: ValidatorConfig = { ...DEFAULT_VALIDATOR_CONFIG, ...partial };
  const log = config.log ?? (() => {});
  const task = getSubnet(config.taskId);
  if (!task) throw new Error(`unknown task "${config.taskId}"`);
  if (task.kind !== 'compete') throw new Error(`task ${task.id} is a ${task.kind} task; this validator scores compete tasks only (yet)`);
  const spec = task;
  const batch = config.batch ?? spec.batch.default;
  if (!Number.isInteger(batch) || batch < 1 || batch > spec.batch.max) throw new Error(`batch must be in [1, ${spec.batch.max}]`);
  await protocolReady();

  const store = new ValidatorStore(config.dbPath);
  const secret = store.secret(() => randomBytes(32).toString('hex'));
  const metrics = new MetricsRegistry();
  collectDefaultMetrics({ register: metrics, prefix: 'webtensor_validator_process_' });
  const answers = new Counter({ name: 'webtensor_validator_answers_total', help: 'Challenges by outcome', labelNames: ['outcome'], registers: [metrics] });
  const rejections = new Counter({
    name: 'webtensor_validator_rejections_total',
    help: 'Messages and answers rejected, by reason',
    labelNames: ['reason'],
    registers: [metrics],
  });
  const roundSeconds = new Histogram({
    name: 'webtensor_validator_round_seconds',
    help: 'Wall time of one round (all challenges sent and answered or timed out)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [metrics],
  });
  const rttSeconds = new Histogram({
    name: 'webtensor_validator_challenge_rtt_seconds',
    help: 'Challenge round trip (send to verified answer)',
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [metrics],
  });
  const roundGauge = new Gauge({ name: 'webtensor_validator_round', help: 'Last completed round', registers: [metrics] });
  const liveGauge = new Gauge({ name: 'webtensor_validator_live_miners', help: 'Registered miners heard from within the TTL', registers: [metrics] });
  const pendingGauge = new Gauge({ name: 'webtensor_validator_pending_weights', help: 'Weight vectors not yet delivered to every sink', registers: [metrics] });
  const emaGauge = new Gauge({ name: 'webtensor_validator_score', help: 'Moving-average score per uid', labelNames: ['uid'], registers: [metrics] });
  const epochChecks = new Counter({
    name: 'webtensor_validator_chain_epochs_total',
    help: "Chain epochs checked against webtensor's Yuma, by result (match: every u16 within ±1)",
    labelNames: ['result'],
    registers: [metrics],
  });
  const divergence = new Gauge({
    name: 'webtensor_validator_chain_divergence_u16',
    help: "Largest |chain − webtensor| over the last checked epoch's incentive, dividends, consensus, validator trust and bonds (u16)",
    registers: [metrics],
  });
  epochChecks.inc({ result: 'match' }, 0);
  epochChecks.inc({ result: 'diverged' }, 0);
  roundGauge.set(store.round);

  const peer = await createPeer({ relays: config.relays, log });
  const pubsub = peer.node.services.pubsub;
  const t = topics(config.netuid);
  const replay = new ReplayGuard({ windowMs: 120_000 });
  const liveByHotkey = new Map<string, LiveMiner>();
  const lastLogged = new Map<string, number>();
  const reject = (reason: string, detail: string) => {
    rejections.inc({ reason });
    const now = Date.now();
    if ((lastLogged.get(reason) ?? 0) + 10_000 <= now) {
      lastLogged.set(reason, now);
      log(`validator: rejected: ${reason} (${detail})`);
    }
  };

  pubsub.addEventListener('message', (e: CustomEvent<Message>) => {
    const msg = e.detail;
    if (msg.topic !== t.announce) return;
    if (msg.type !== 'signed') return reject('unsigned-gossip', 'announce without a libp2p signature');
    try {
      const m = decodeMessage(msg.data, { expectedKind: 'announce', expectedNetuid: config.netuid, expectedPeerId: msg.from.toString(), replay });
      liveByHotkey.set(m.sender.hotkey, {
        hotkey: m.sender.hotkey,
        peerId: m.sender.peerId,
        multiaddrs: m.payload.multiaddrs,
        modelId: m.payload.modelId,
        modelSha256: m.payload.modelSha256,
        provider: m.payload.provider,
        seenMs: Date.now(),
      });
    } catch (error) {
      if (isProtocolError(error)) reject(error.reason, error.message);
      else reject('error', error instanceof Error ? error.message : String(error));
    }
  });
  pubsub.subscribe(t.announce);
  pubsub.subscribe(t.weights);

  let lastEpoch: EpochCheck | undefined;
  let epochWatcher: EpochWatcher | undefined;
  // Without a chain, the epoch runs here: this validator's weights and those heard on gossip.
  const offChain = config.chainClient ? undefined : new OffChainEpochs(store.loadJson('offchain-bonds') ?? {});
  let lastOffChain: OffChainEpochResult | undefined;
  if (offChain) {
    pubsub.addEventListener('message', (e: CustomEvent<Message>) => {
      const msg = e.detail;
      if (msg.topic !== t.weights || msg.type !== 'signed') return;
      try {
        const m = decodeMessage(msg.data, { expectedKind: 'weight-vector', expectedNetuid: config.netuid, expectedPeerId: msg.from.toString(), replay });
        offChain.record(m.sender.hotkey, m.payload.block, m.payload.uids, m.payload.weights);
      } catch (error) {
        reject(isProtocolError(error) ? error.reason : 'error', error instanceof Error ? error.message : String(error));
      }
    });
  }
  if (config.chainClient) {
    epochWatcher = watchChainEpochs({
      client: config.chainClient,
      netuid: config.netuid,
      log,
      async onEpoch(check) {
        lastEpoch = check;
        epochChecks.inc({ result: check.mismatches.length === 0 ? 'match' : 'diverged' });
        divergence.set(check.maxDiff);
        const u16 = (field: 'incentive' | 'dividends' | 'consensus') => check.after.neurons.map((n) => n[field]);
        const bytes = await encodeMessage(
          'epoch-result',
          { netuid: config.netuid, block: check.block, source: 'chain', incentive: u16('incentive'), dividends: u16('dividends'), consensus: u16('consensus') },
          config.hotkey,
          { peerId: peer.peerId.toString() },
        );
        await pubsub.publish(t.epoch, bytes).catch(() => {});
      },
    });
  }

  const gossipSink: WeightSink = {
    name: 'gossip',
    async deliver(row) {
      const versionKey = (await config.versionKey?.()) ?? 0;
      const bytes = await encodeMessage(
        'weight-vector',
        { netuid: config.netuid, validator: config.hotkey.address, uids: row.uids, weights: row.weights, versionKey, block: row.round },
        config.hotkey,
        { peerId: peer.peerId.toString() },
      );
      await pubsub.publish(t.weights, bytes);
    },
  };
  const sinks = [gossipSink, ...(config.sinks ?? [])];

  function live(): LiveMiner[] {
    const cutoff = Date.now() - config.minerTtlMs;
    return [...liveByHotkey.values()].filter((m) => m.seenMs >= cutoff);
  }

  async function challengeOne(round: number, member: Member, miner: LiveMiner, challengeId: number): Promise<ChallengeOutcome> {
    const base = { uid: member.uid, hotkey: member.hotkey };
    const challenge = spec.makeChallenge(deriveSeed(secret, `round ${round} uid ${member.uid}`), batch);
    const payload: ChallengePayload = {
      netuid: config.netuid,
      taskId: spec.id,
      challengeId,
      nonce: new Uint8Array(randomBytes(16)),
      deadlineMs: Date.now() + config.timeoutMs,
      miner: member.hotkey,
      inputs: challenge.inputs,
    };
    const frame = await encodeMessage('challenge', payload, config.hotkey, { peerId: peer.peerId.toString() });
    const started = performance.now();
    let reply: Uint8Array;
    try {
      // The announced addresses (the relay circuit), else whatever the peer store knows of the PeerId.
      const addrs = miner.multiaddrs.map((a) => multiaddr(a));
      const target = addrs.length > 0 ? addrs : peerIdFromString(miner.peerId);
      reply = await sendRequest(peer.node, target, CHALLENGE_PROTOCOL, frame, {
        maxBytes: MAX_ENVELOPE_BYTES,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (error) {
      const roundTripMs = performance.now() - started;
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof Error && error.name === 'InvalidDataLengthError') {
        rejections.inc({ reason: 'oversized' });
        return { ...base, score: 0, quality: 0, outcome: 'protocol', reason: `oversized answer: ${reason}`, roundTripMs };
      }
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { ...base, score: 0, quality: 0, outcome: timedOut ? 'timeout' : 'unreachable', reason, roundTripMs };
    }
    const roundTripMs = performance.now() - started;
    try {
      const answer = decodeMessage(reply, { expectedKind: 'answer', expectedPeerId: miner.peerId, replay });
      checkAnswer(payload, answer, Date.now());
      if (answer.payload.error) return { ...base, score: 0, quality: 0, outcome: 'error-answer', reason: answer.payload.error, roundTripMs };
      const problem = outputsProblem(spec.contract, answer.payload.outputs, { batch: challenge.batch });
      if (problem) return { ...base, score: 0, quality: 0, outcome: 'rejected', reason: problem, roundTripMs };
      const result = spec.score(challenge, answer.payload.outputs);
      if (!result.ok) return { ...base, score: 0, quality: 0, outcome: 'rejected', reason: result.reason ?? 'rejected by scoring', roundTripMs };
      rttSeconds.observe(roundTripMs / 1000);
      const score = answerScore(result.score, roundTripMs, config.timeoutMs, config.scoring.latencyWeight);
      return { ...base, score, quality: result.score, outcome: 'scored', reason: null, roundTripMs, inferenceMs: answer.payload.inferenceMs };
    } catch (error) {
      const reason = isProtocolError(error) ? error.reason : 'error';
      rejections.inc({ reason });
      return { ...base, score: 0, quality: 0, outcome: 'protocol', reason: error instanceof Error ? error.message : String(error), roundTripMs };
    }
  }

  let roundInFlight: Promise<RoundReport> | undefined;
  async function round(): Promise<RoundReport> {
    const started = performance.now();
    const roundNo = store.round + 1;
    const members = await config.registry.members();
    const byHotkey = new Map(members.map((m) => [m.hotkey, m]));
    const candidates = live()
      .map((m) => ({ miner: m, member: byHotkey.get(m.hotkey) }))
      .filter((c): c is { miner: LiveMiner; member: Member } => c.member !== undefined && c.member.hotkey !== config.hotkey.address);
    liveGauge.set(candidates.length);
    const rng = new Rng(deriveSeed(secret, `sample ${roundNo}`));
    const chosen = sample(rng, candidates, config.samplePerRound);
    const firstId = store.reserveChallengeIds(chosen.length);
    const outcomes = await Promise.all(chosen.map((c, i) => challengeOne(roundNo, c.member, c.miner, firstId + i)));
    const results: RoundScore[] = outcomes.map((o) => ({ uid: o.uid, hotkey: o.hotkey, score: o.score, reason: o.reason }));
    store.commitRound(roundNo, results, (prev, s) => emaUpdate(prev, s, config.scoring.emaAlpha));
    for (const o of outcomes) answers.inc({ outcome: o.outcome });
    const durationMs = performance.now() - started;
    roundSeconds.observe(durationMs / 1000);
    roundGauge.set(roundNo);
    const report: RoundReport = { round: roundNo, challenged: chosen.length, outcomes, durationMs };
    if (roundNo % config.weightsEveryRounds === 0) report.weights = await setWeights();
    return report;
  }

  function runRound(): Promise<RoundReport> {
    const next = (roundInFlight ?? Promise.resolve()).catch(() => {}).then(round);
    roundInFlight = next;
    return next;
  }

  /** Current weights from the stored averages of uids still registered under the same hotkey. */
  async function currentWeights(): Promise<{ uids: number[]; weights: number[] }> {
    const members = await config.registry.members();
    const hotkeyOf = new Map(members.map((m) => [m.uid, m.hotkey]));
    const scores = new Map<number, number>();
    for (const row of store.scores()) if (hotkeyOf.get(row.uid) === row.hotkey) scores.set(row.uid, row.ema);
    return weightsFromScores(scores);
  }

  async function setWeights(): Promise<{ uids: number[]; weights: number[] }> {
    const vector = await currentWeights();
    const id = store.queueWeights(store.round, vector.uids, vector.weights, sinks.map((s) => s.name));
    for (const s of sinks) store.supersede(s.name, id);
    log(`validator: weights after round ${store.round}: ${vector.uids.map((u, i) => `${u}:${vector.weights[i]}`).join(' ') || '(none)'}`);
    await flushWeights();
    if (offChain) await offChainEpoch(vector).catch((error: unknown) => log(`validator: off-chain epoch failed: ${error instanceof Error ? error.message : String(error)}`));
    return vector;
  }

  /** Runs the off-chain epoch after this validator's weights and gossips its result. */
  async function offChainEpoch(vector: { uids: number[]; weights: number[] }): Promise<void> {
    offChain!.record(config.hotkey.address, store.round, vector.uids, vector.weights);
    const result = offChain!.run(await config.registry.members(), store.round);
    lastOffChain = result;
    store.saveJson('offchain-bonds', offChain!.storedBonds);
    const u16 = (xs: number[]) => xs.map((x) => Math.floor(x * 65535));
    const bytes = await encodeMessage(
      'epoch-result',
      { netuid: config.netuid, block: result.block, source: 'off-chain', incentive: u16(result.incentive), dividends: u16(result.dividends), consensus: u16(result.consensus) },
      config.hotkey,
      { peerId: peer.peerId.toString() },
    );
    await pubsub.publish(t.epoch, bytes).catch(() => {});
    log(`validator: off-chain epoch at round ${result.block} (${result.validators} validator(s)): incentive ${result.incentive.map((x) => x.toFixed(3)).join(' ')}`);
  }

  let flushing: Promise<void> | undefined;
  async function flushOnce(): Promise<void> {
    const now = Date.now();
    for (const row of store.pendingWeights()) {
      if (row.nextAttemptMs > now) continue;
      const delivered: string[] = [];
      const errors: string[] = [];
      for (const sink of sinks.filter((s) => row.remaining.includes(s.name))) {
        try {
          await sink.deliver(row);
          delivered.push(sink.name);
        } catch (error) {
          errors.push(`${sink.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const retryMs = Math.min(60_000, 1_000 * 2 ** Math.min(row.attempts, 6));
      store.recordDelivery(row.id, delivered, errors.length > 0 ? { error: errors.join('; '), retryAtMs: now + retryMs } : null);
      if (errors.length > 0) log(`validator: weights of round ${row.round} not delivered (${errors.join('; ')}); retry in ${retryMs} ms`);
    }
    pendingGauge.set(store.pendingWeights().length);
  }
  function flushWeights(): Promise<void> {
    flushing = (flushing ?? Promise.resolve()).catch(() => {}).then(flushOnce);
    return flushing;
  }

  // ---- HTTP ----
  let server: Server | undefined;
  let httpUrl: string | undefined;
  if (config.http) {
    server = createServer((req, res) => {
      void (async () => {
        const path = new URL(req.url ?? '/', 'http://validator').pathname;
        const json = (body: unknown) => {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });
          res.end(`${JSON.stringify(body)}\n`);
        };
        if (path === '/health') return json({ ok: peer.relayConnected(), hotkey: config.hotkey.address, peerId: peer.peerId.toString(), round: store.round, live: live().length });
        if (path === '/scores') {
          const epoch =
            (lastEpoch && {
              source: 'chain',
              block: lastEpoch.block,
              variant: lastEpoch.variant,
              maxDiff: lastEpoch.maxDiff,
              mismatches: lastEpoch.mismatches.length,
              incentive: lastEpoch.after.neurons.map((n) => n.incentive / 65535),
              dividends: lastEpoch.after.neurons.map((n) => n.dividends / 65535),
            }) ||
            (lastOffChain && { source: 'off-chain', block: lastOffChain.block, variant: 'yuma3', incentive: lastOffChain.incentive, dividends: lastOffChain.dividends });
          return json({ round: store.round, scores: store.scores(), weights: store.latestWeights() ?? null, pending: store.pendingWeights().length, epoch: epoch ?? null });
        }
        if (path === '/metrics') {
          for (const r of store.scores()) emaGauge.set({ uid: String(r.uid) }, r.ema);
          res.writeHead(200, { 'Content-Type': metrics.contentType });
          return res.end(await metrics.metrics());
        }
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found\n');
      })().catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(config.http!.port, config.http!.host, () => resolve());
    });
    const a = server.address() as AddressInfo;
    httpUrl = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
    log(`validator: http on ${httpUrl} (/health, /metrics, /scores)`);
  }

  // ---- timers ----
  let stopped = false;
  let roundTimer: ReturnType<typeof setTimeout> | undefined;
  const loop = () => {
    if (stopped || config.roundIntervalMs <= 0) return;
    roundTimer = setTimeout(() => {
      runRound()
        .then((r) => {
          if (r.challenged > 0) {
            const scored = r.outcomes.filter((o) => o.outcome === 'scored').length;
            log(`validator: round ${r.round}: ${scored}/${r.challenged} answers scored in ${r.durationMs.toFixed(0)} ms`);
          }
        })
        .catch((error: unknown) => log(`validator: round failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(loop);
    }, config.roundIntervalMs);
  };
  loop();
  const retryTimer = setInterval(() => void flushWeights().catch(() => {}), 1_000);
  log(`validator: ${config.hotkey.address} on subnet ${config.netuid} (${spec.id}), registry from ${config.registry.source}, state in ${config.dbPath} (round ${store.round})`);

  return {
    peer,
    store,
    metrics,
    httpUrl,
    hotkey: config.hotkey.address,
    live,
    runRound,
    setWeights,
    flushWeights,
    async stop() {
      stopped = true;
      epochWatcher?.stop();
      clearTimeout(roundTimer);
      clearInterval(retryTimer);
      await roundInFlight?.catch(() => {});
      await flushing?.catch(() => {});
      if (server) await new Promise<void>((r) => { server!.close(() => r()); server!.closeAllConnections(); });
      await peer.stop();
      store.close();
    },
  };
}
