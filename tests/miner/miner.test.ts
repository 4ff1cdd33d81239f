/**
 * The miner's logic (src/miner/miner.ts) on onnxruntime-node, without a network: which challenges
 * it refuses and why, what it answers, and that a failing engine gives an answer carrying the error.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { ChallengeRefused, Miner } from '../../src/miner/index.ts';
import { Backoff } from '../../src/p2p/backoff.ts';
import { decodeMessage, encodeMessage, protocolReady, type ChallengePayload } from '../../src/protocol/index.ts';
import { digitsModel, digitsSubnet } from '../../src/subnets/index.ts';
import { createOrtEngine } from '../../src/workers/ort-engine.ts';
import { nodeOrtPlatform } from '../../relay/miner/ort-node.ts';

const VALIDATOR_PEER = '12D3KooWGRUVh9YkuYF3DxgNjHNrrvTUnvgKrrDt9XnyS4MhHUkW';
const MINER_PEER = '12D3KooWKNZhdrBferNTq6JZB6st2DQqtJ3WV8JRwuoQvNBDuwLj';

describe('Miner', () => {
  let miner: Miner;
  const engine = createOrtEngine(nodeOrtPlatform({ threads: 1 }));
  const validator = () => keypair('//Alice//validator0');
  const me = () => keypair('//Bob//miner0');

  beforeAll(async () => {
    await Promise.all([keysReady(), protocolReady()]);
    const cnn = digitsModel('cnn');
    await engine.load(new Uint8Array(readFileSync(cnn.file)), { provider: 'cpu', contract: digitsSubnet.contract });
    miner = new Miner({
      netuid: 1,
      spec: digitsSubnet,
      engine,
      model: { id: cnn.id, sha256: cnn.sha256 },
      provider: 'cpu',
      signer: me(),
      peerId: MINER_PEER,
      isPermittedValidator: (h) => h === validator().address,
    });
  });

  const challenge = (overrides: Partial<ChallengePayload> = {}, signer = validator()) => {
    const c = digitsSubnet.makeChallenge('miner test', 4);
    return {
      secret: c,
      frame: encodeMessage(
        'challenge',
        { netuid: 1, taskId: digitsSubnet.id, challengeId: 7, nonce: new Uint8Array(16).fill(3), deadlineMs: Date.now() + 5_000, miner: me().address, inputs: c.inputs, ...overrides },
        signer,
        { peerId: VALIDATOR_PEER },
      ),
    };
  };
  const refusal = async (frame: Promise<Uint8Array> | Uint8Array, from = VALIDATOR_PEER) => {
    try {
      await miner.answer(await frame, from);
    } catch (error) {
      expect(error).toBeInstanceOf(ChallengeRefused);
      return (error as ChallengeRefused).reason;
    }
    throw new Error('the challenge was answered');
  };

  it('answers a permitted validator with signed outputs that score like the model', async () => {
    const { frame, secret } = challenge();
    const answer = decodeMessage(await miner.answer(await frame, VALIDATOR_PEER), { expectedKind: 'answer', expectedPeerId: MINER_PEER });
    expect(answer.sender.hotkey).toBe(me().address);
    expect(answer.payload.challengeId).toBe(7);
    expect(answer.payload.error ?? '').toBe('');
    expect(digitsSubnet.score(secret, answer.payload.outputs).ok).toBe(true);
  });

  it('refuses, by reason: no permit, another hotkey, another task, wrong peer, bad input, a replay', async () => {
    expect(await refusal(challenge({}, keypair('//Mallory')).frame)).toBe('not-permitted');
    expect(await refusal(challenge({ miner: keypair('//Bob//miner1').address }).frame)).toBe('wrong-recipient');
    expect(await refusal(challenge({ taskId: 'ocr-v1' }).frame)).toBe('wrong-task');
    expect(await refusal(challenge().frame, MINER_PEER)).toBe('peer-mismatch');
    expect(await refusal(challenge({ inputs: { image: { dtype: 'float32', dims: [1, 1, 4, 4], data: new Float32Array(16) } } }).frame)).toBe('bad-input');
    expect(await refusal(new Uint8Array([1, 2, 3]))).toBe('malformed');
    const once = await challenge().frame;
    await miner.answer(once, VALIDATOR_PEER);
    expect(await refusal(once)).toBe('replayed');
    expect(miner.stats.refused['not-permitted']).toBe(1);
  });

  it('answers with the error when the engine fails, and keeps working after', async () => {
    const broken = new Miner({
      netuid: 1, spec: digitsSubnet, engine: createOrtEngine(nodeOrtPlatform({ threads: 1 })), model: { id: 'none', sha256: '00'.repeat(32) },
      provider: 'cpu', signer: me(), peerId: MINER_PEER, isPermittedValidator: () => true,
    });
    const answer = decodeMessage(await broken.answer(await challenge().frame, VALIDATOR_PEER), { expectedKind: 'answer' });
    expect(answer.payload.error).toMatch(/no-model/);
    expect(broken.stats.failed).toBe(1);
  });
});

describe('Backoff', () => {
  it('grows by the factor up to the cap, jittered into [ceiling/2, ceiling], and resets', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, random: () => 1 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000]);
    b.reset();
    expect(new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, random: () => 0 }).next()).toBe(50);
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
  });
});
