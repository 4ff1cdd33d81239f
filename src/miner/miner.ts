/**
 * The miner's logic, shared by the browser tab and the Node miner: it announces itself, takes a
 * challenge frame, checks it (signed by a permitted validator, meant for this hotkey, for this
 * subnet and task, fresh, not replayed, inputs within the task's contract), runs the inference
 * engine — whichever it is: the comlink worker proxy in a tab, onnxruntime-node in Node — and
 * returns the signed answer frame with its timing.
 *
 * Pure: no DOM, no sockets, no Node APIs. The p2p adapter (./run.ts) moves the frames.
 */
import { checkInputs, InferenceError, type ExecutionProvider, type InferenceEngine } from '../workers/engine.ts';
import {
  decodeMessage,
  encodeMessage,
  isProtocolError,
  MAX_ERROR_CHARS,
  ProtocolError,
  ReplayGuard,
  type ChallengePayload,
  type DecodedMessage,
  type Signer,
} from '../protocol/index.ts';
import type { TaskSpec } from '../subnets/types.ts';

export interface MinerOptions {
  netuid: number;
  spec: TaskSpec;
  /** A loaded engine whose model satisfies `spec.contract`. */
  engine: InferenceEngine;
  /** What the engine runs: id and sha256 go into the announcement. */
  model: { id: string; sha256: string };
  /** The execution provider the engine's session runs on. */
  provider: ExecutionProvider;
  /** The miner's hotkey. */
  signer: Signer;
  /** This node's libp2p PeerId (base58btc). */
  peerId: string;
  /** Whether a hotkey may send challenges (a validator permit on the subnet). */
  isPermittedValidator(hotkey: string): boolean;
  /** Challenges queued at most; more are refused as busy (default 8). */
  maxQueue?: number;
  now?: () => number;
}

/** Why a challenge got no answer (a metrics label). */
export type RefusalReason = ProtocolError['reason'] | 'not-permitted' | 'wrong-task' | 'bad-input' | 'busy';

export class ChallengeRefused extends Error {
  override name = 'ChallengeRefused';
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
  }
}

export interface MinerStats {
  challenges: number;
  answered: number;
  /** Answers that carried an error instead of outputs (the engine failed). */
  failed: number;
  refused: Partial<Record<RefusalReason, number>>;
  lastInferenceMs?: number;
  lastValidator?: string;
}

/** The outcome of one challenge, for the UI and logs. */
export interface ChallengeEvent {
  validator: string;
  challengeId: number;
  batch: number;
  inferenceMs: number;
  error?: string;
}

export class Miner {
  readonly stats: MinerStats = { challenges: 0, answered: 0, failed: 0, refused: {} };
  private readonly replay = new ReplayGuard({ windowMs: 120_000 });
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private readonly listeners = new Set<(e: ChallengeEvent) => void>();

  constructor(private readonly options: MinerOptions) {}

  get hotkey(): string {
    return this.options.signer.address;
  }

  /** Calls `listener` after every answered challenge; returns the unsubscribe function. */
  onChallenge(listener: (e: ChallengeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The signed Announce for gossip: this PeerId, this hotkey, the model and where to dial. */
  announcement(multiaddrs: string[]): Promise<Uint8Array> {
    const { netuid, model, provider, signer, peerId, now } = this.options;
    return encodeMessage('announce', { netuid, modelId: model.id, modelSha256: model.sha256, provider, multiaddrs }, signer, {
      peerId,
      now: now?.(),
    });
  }

  /**
   * Answers one challenge frame from `fromPeerId`. Throws ChallengeRefused (nothing is answered)
   * when the challenge must not be run; engine failures become answers carrying an error.
   */
  async answer(frame: Uint8Array, fromPeerId: string): Promise<Uint8Array> {
    this.stats.challenges++;
    let challenge: DecodedMessage<'challenge'>;
    try {
      challenge = this.check(frame, fromPeerId);
    } catch (error) {
      const refusal =
        error instanceof ChallengeRefused
          ? error
          : isProtocolError(error)
            ? new ChallengeRefused(error.reason, error.message)
            : new ChallengeRefused('malformed', error instanceof Error ? error.message : String(error));
      this.stats.refused[refusal.reason] = (this.stats.refused[refusal.reason] ?? 0) + 1;
      throw refusal;
    }
    const maxQueue = this.options.maxQueue ?? 8;
    if (this.queued >= maxQueue) {
      this.stats.refused.busy = (this.stats.refused.busy ?? 0) + 1;
      throw new ChallengeRefused('busy', `${this.queued} challenges already queued`);
    }
    this.queued++;
    const run = this.queue.then(() => this.run(challenge.payload, challenge.sender.hotkey));
    this.queue = run.catch(() => {});
    try {
      return await run;
    } finally {
      this.queued--;
    }
  }

  private check(frame: Uint8Array, fromPeerId: string): DecodedMessage<'challenge'> {
    const { netuid, spec, signer, isPermittedValidator, now } = this.options;
    const msg = decodeMessage(frame, {
      expectedKind: 'challenge',
      expectedPeerId: fromPeerId,
      expectedNetuid: netuid,
      recipient: signer.address,
      replay: this.replay,
      maxAgeMs: 60_000,
      now: now?.(),
    });
    if (!isPermittedValidator(msg.sender.hotkey)) {
      throw new ChallengeRefused('not-permitted', `${msg.sender.hotkey} holds no validator permit on subnet ${netuid}`);
    }
    if (msg.payload.taskId !== spec.id) throw new ChallengeRefused('wrong-task', `task ${msg.payload.taskId}, this miner runs ${spec.id}`);
    try {
      checkInputs(spec.contract.inputs, msg.payload.inputs);
    } catch (error) {
      throw new ChallengeRefused('bad-input', error instanceof Error ? error.message : String(error));
    }
    const batch = Object.values(msg.payload.inputs)[0]?.dims[0] ?? 0;
    if (batch > spec.batch.max) throw new ChallengeRefused('bad-input', `batch ${batch} is over the task's ${spec.batch.max}`);
    return msg;
  }

  private async run(challenge: ChallengePayload, validator: string): Promise<Uint8Array> {
    const { signer, peerId, provider, now } = this.options;
    const base = { challengeId: challenge.challengeId, nonce: challenge.nonce, miner: signer.address, provider };
    let payload;
    let error: string | undefined;
    let inferenceMs = 0;
    try {
      const result = await this.options.engine.run(challenge.inputs);
      inferenceMs = result.inferenceMs;
      payload = { ...base, outputs: result.outputs, inferenceMs };
      this.stats.answered++;
    } catch (e) {
      error = (e instanceof InferenceError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e)).slice(0, MAX_ERROR_CHARS);
      payload = { ...base, outputs: {}, inferenceMs: 0, error };
      this.stats.failed++;
    }
    this.stats.lastInferenceMs = inferenceMs;
    this.stats.lastValidator = validator;
    const batch = Object.values(challenge.inputs)[0]?.dims[0] ?? 0;
    const bytes = await encodeMessage('answer', payload, signer, { peerId, now: now?.() });
    for (const listener of this.listeners) listener({ validator, challengeId: challenge.challengeId, batch, inferenceMs, error });
    return bytes;
  }
}
