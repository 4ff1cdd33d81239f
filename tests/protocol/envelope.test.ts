import { Keyring } from '@polkadot/keyring';
import { u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHALLENGE_PROTOCOL,
  checkAnswer,
  decodeMessage,
  encodeMessage,
  KIND_CODES,
  MAX_ENVELOPE_BYTES,
  MESSAGE_KINDS,
  PROTOCOL_ERROR_REASONS,
  ReplayGuard,
  signerFromSignRaw,
  signingBytes,
  topicFor,
  topics,
  verifySr25519,
  type DecodedMessage,
  type Signer,
} from '../../src/protocol/index.ts';
import * as wire from '../../src/protocol/webtensor.ts';
import { Envelope } from '../../src/protocol/webtensor.ts';
import { answer, challenge, digitsInputs, digitsOutputs, NETUID, nonce, NOW, samples, senderOf, setup, type Party, type World } from './fixtures.ts';
import { reasonOf, reenvelope, seenReasons, signedEnvelope } from './helpers.ts';

let w: World;
beforeAll(async () => {
  w = await setup();
});

const enc = <K extends keyof ReturnType<typeof samples>>(kind: K, payload: ReturnType<typeof samples>[K], from: Party, now = NOW) =>
  encodeMessage(kind, payload, from.pair, { peerId: from.peerId, now });

describe('round trip', () => {
  it('encodes and decodes every kind to the same payload and its proven sender', async () => {
    const s = samples(w);
    for (const kind of MESSAGE_KINDS) {
      const from = senderOf(w, kind);
      const bytes = await enc(kind, s[kind], from);
      const msg = decodeMessage(bytes, { now: NOW + 1000, expectedKind: kind, expectedPeerId: from.peerId });
      expect(msg.kind).toBe(kind);
      expect(msg.payload).toEqual(s[kind]);
      expect(msg.sender.hotkey).toBe(from.pair.address);
      expect(msg.sender.publicKey).toEqual(from.pair.publicKey);
      expect(msg.sender.peerId).toBe(from.peerId);
      expect(msg.sender.timestampMs).toBe(NOW);
      expect(msg.sender.nonce).toHaveLength(16);
    }
  });

  it('narrows the payload type by kind', async () => {
    const bytes = await enc('weight-vector', samples(w)['weight-vector'], w.validator);
    const msg = decodeMessage(bytes, { now: NOW });
    if (msg.kind !== 'weight-vector') throw new Error('kind');
    const total: number = msg.payload.weights.reduce((a, b) => a + b, 0); // typed as WeightVectorPayload
    expect(total).toBe(65535 + 1200 + 7);
    const typed: DecodedMessage<'announce'> = decodeMessage(await enc('announce', samples(w).announce, w.minerA), { now: NOW, expectedKind: 'announce' });
    expect(typed.payload.provider).toBe('webgpu');
  });

  it('carries every dtype, zero-size dims and int64 extremes bit-exactly', async () => {
    const inputs = {
      f: { dtype: 'float32' as const, dims: [2, 3], data: Float32Array.from([0, -0, 1.5, -1e-38, 3.4e38, Math.PI]) },
      i: { dtype: 'int32' as const, dims: [4], data: Int32Array.from([0, -1, 2147483647, -2147483648]) },
      l: { dtype: 'int64' as const, dims: [3], data: BigInt64Array.from([0n, -(2n ** 63n), 2n ** 63n - 1n]) },
      u: { dtype: 'uint8' as const, dims: [1, 1, 1, 5], data: Uint8Array.from([0, 1, 127, 128, 255]) },
      empty: { dtype: 'float32' as const, dims: [0, 10], data: new Float32Array(0) },
      scalar: { dtype: 'float32' as const, dims: [], data: Float32Array.from([42]) },
    };
    const ch = { ...challenge(w.minerA.pair.address), inputs };
    const msg = decodeMessage(await enc('challenge', ch, w.validator), { now: NOW });
    expect(msg.payload).toEqual(ch);
    if (msg.kind !== 'challenge') throw new Error('kind');
    expect(Object.is(msg.payload.inputs.f.data[1], -0)).toBe(true);
    expect(msg.payload.inputs.l.data).toBeInstanceOf(BigInt64Array);
  });

  it('round-trips an answer that reports an error instead of outputs', async () => {
    const ch = challenge(w.minerA.pair.address);
    const a = { ...answer(ch, w.minerA.pair.address), outputs: {}, error: 'WebGPU device lost' };
    const msg = decodeMessage(await enc('answer', a, w.minerA), { now: NOW });
    expect(msg.payload).toEqual(a);
  });

  it('accepts async signers, hex public-key addresses and wallet-extension signRaw', async () => {
    const pair = w.minerA.pair;
    const asyncSigner: Signer = { address: u8aToHex(pair.publicKey), sign: async (m) => pair.sign(m) };
    const a = decodeMessage(await encodeMessage('announce', samples(w).announce, asyncSigner, { peerId: w.minerA.peerId, now: NOW }), { now: NOW });
    expect(a.sender.hotkey).toBe(pair.address);

    // A fake extension: signs the <Bytes>-wrapped data, the way polkadot-js extensions do.
    const extension = (prefix: boolean) =>
      signerFromSignRaw(pair.address, async ({ address, data, type }) => {
        expect(address).toBe(pair.address);
        expect(type).toBe('bytes');
        const sig = pair.sign(u8aWrapBytes(data));
        return { signature: u8aToHex(prefix ? Uint8Array.from([1, ...sig]) : sig) };
      });
    for (const prefix of [false, true]) {
      const m = decodeMessage(await encodeMessage('announce', samples(w).announce, extension(prefix), { peerId: w.minerA.peerId, now: NOW }), { now: NOW });
      expect(m.sender.hotkey).toBe(pair.address);
    }

    // An ed25519 extension account cannot sign for an sr25519 hotkey: refused at the signer.
    const ed = new Keyring({ type: 'ed25519', ss58Format: 42 }).addFromUri('//Bob//miner0');
    const edSigner = signerFromSignRaw(ed.address, async ({ data }) => ({ signature: u8aToHex(ed.sign(u8aWrapBytes(data))) }));
    await expect(encodeMessage('announce', samples(w).announce, edSigner, { peerId: w.minerA.peerId, now: NOW })).rejects.toThrow(/sr25519/);
  });

  it('verifies with the WASM and the pure-JS sr25519 alike', async () => {
    const bytes = await enc('answer', samples(w).answer, w.minerA);
    const env = Envelope.decode(bytes);
    const message = signingBytes({ version: env.version, kindCode: env.kind, sender: env.sender, peerId: env.peerId, timestampMs: env.timestampMs, nonce: env.nonce, payload: env.payload });
    expect(verifySr25519(message, env.signature, env.sender, 'auto')).toBe(true);
    expect(verifySr25519(message, env.signature, env.sender, 'js')).toBe(true);
    const wrappedSig = w.minerA.pair.sign(u8aWrapBytes(message));
    expect(verifySr25519(message, wrappedSig, env.sender, 'auto')).toBe(true);
    expect(verifySr25519(message, wrappedSig, env.sender, 'js')).toBe(true);
    const bad = env.signature.slice();
    bad[10] ^= 1;
    expect(verifySr25519(message, bad, env.sender, 'auto')).toBe(false);
    expect(verifySr25519(message, bad, env.sender, 'js')).toBe(false);
    expect(verifySr25519(message, env.signature, w.minerB.pair.publicKey)).toBe(false);
  });

  it('names topics and the direct-stream protocol', () => {
    expect(topics(3)).toEqual({ announce: '/webtensor/1/3/announce', weights: '/webtensor/1/3/weights', epoch: '/webtensor/1/3/epoch' });
    expect(topicFor('weight-vector', 3)).toBe('/webtensor/1/3/weights');
    expect(topicFor('epoch-result', 3)).toBe('/webtensor/1/3/epoch');
    expect(topicFor('challenge', 3)).toBeUndefined();
    expect(CHALLENGE_PROTOCOL).toBe('/webtensor/challenge/1.0.0');
  });

  it('keeps a 32x1x28x28 float32 challenge and its answer small', async () => {
    const ch = challenge(w.minerA.pair.address, 32);
    const chBytes = await enc('challenge', ch, w.validator);
    const anBytes = await enc('answer', answer(ch, w.minerA.pair.address, 32), w.minerA);
    const raw = 32 * 28 * 28 * 4;
    expect(chBytes.length).toBeGreaterThan(raw);
    expect(chBytes.length).toBeLessThan(raw + 512);
    expect(anBytes.length).toBeLessThan(32 * 10 * 4 + 512);
  });
});

describe('answer binding', () => {
  it('accepts the answer to the challenge, signed by the miner it was for', async () => {
    const ch = challenge(w.minerA.pair.address);
    const msg = decodeMessage(await enc('answer', answer(ch, w.minerA.pair.address), w.minerA), { now: NOW, expectedKind: 'answer' });
    expect(() => checkAnswer(ch, msg, NOW + 5)).not.toThrow();
  });

  it("refuses miner A's answer replayed by miner B, in every form B can produce", async () => {
    const chA = challenge(w.minerA.pair.address, 32, 1);
    const chB = { ...challenge(w.minerB.pair.address, 32, 2), nonce: nonce(0xb2) };
    const answerA = answer(chA, w.minerA.pair.address);
    const bytesA = await enc('answer', answerA, w.minerA);

    // 1. A's envelope forwarded as is: it comes from B's peer, and it is A's signature anyway.
    expect(await reasonOf(() => decodeMessage(bytesA, { now: NOW, expectedPeerId: w.minerB.peerId }))).toBe('peer-mismatch');
    const forwarded = decodeMessage(bytesA, { now: NOW, expectedKind: 'answer' });
    expect(await reasonOf(() => checkAnswer(chB, forwarded))).toBe('unbound');

    // 2. A's payload re-signed by B: the payload names A, not the signer.
    expect(await reasonOf(() => enc('answer', answerA, w.minerB))).toBe('sender-mismatch');
    const resigned = signedEnvelope(KIND_CODES.answer, wire.Answer.encode({ ...wire.Answer.decode(Envelope.decode(bytesA).payload) }), w.minerB);
    expect(await reasonOf(() => decodeMessage(resigned, { now: NOW }))).toBe('sender-mismatch');

    // 3. A's outputs under B's name for A's challenge: B's challenge has another id and nonce...
    const copied = decodeMessage(await enc('answer', { ...answerA, miner: w.minerB.pair.address }, w.minerB), { now: NOW, expectedKind: 'answer' });
    expect(await reasonOf(() => checkAnswer(chB, copied))).toBe('unbound');
    // ...and for A's challenge B is not the hotkey it was meant for.
    expect(await reasonOf(() => checkAnswer(chA, copied))).toBe('unbound');

    // 4. Echoing B's own id but A's nonce (or the reverse) does not help either.
    const mixed = decodeMessage(await enc('answer', { ...answerA, challengeId: chB.challengeId, miner: w.minerB.pair.address }, w.minerB), { now: NOW, expectedKind: 'answer' });
    expect(await reasonOf(() => checkAnswer(chB, mixed))).toBe('unbound');
  });

  it('refuses an answer after the deadline', async () => {
    const ch = challenge(w.minerA.pair.address);
    const msg = decodeMessage(await enc('answer', answer(ch, w.minerA.pair.address), w.minerA), { now: NOW, expectedKind: 'answer' });
    expect(await reasonOf(() => checkAnswer(ch, msg, ch.deadlineMs + 1))).toBe('late');
  });
});

describe('rejections', () => {
  it('bad-signature: a flipped signature bit, a wrong key for the claimed hotkey, tampered fields', async () => {
    const bytes = await enc('weight-vector', samples(w)['weight-vector'], w.validator);
    const flipped = reenvelope(bytes, (e) => (e.signature[0] ^= 0x01));
    expect(await reasonOf(() => decodeMessage(flipped, { now: NOW }))).toBe('bad-signature');

    // Signed by miner B's key while claiming the validator's hotkey.
    const liar: Signer = { address: w.validator.pair.address, sign: (m) => w.minerB.pair.sign(m) };
    const lie = await encodeMessage('epoch-result', samples(w)['epoch-result'], liar, { peerId: w.validator.peerId, now: NOW });
    expect(await reasonOf(() => decodeMessage(lie, { now: NOW }))).toBe('bad-signature');

    // Sender swapped to another hotkey, keeping the signature. (For a weight vector, which names its
    // validator inside the payload, the mismatch is caught even before the signature.)
    const epoch = await enc('epoch-result', samples(w)['epoch-result'], w.validator);
    const swapped = reenvelope(epoch, (e) => (e.sender = w.minerB.pair.publicKey.slice()));
    expect(await reasonOf(() => decodeMessage(swapped, { now: NOW }))).toBe('bad-signature');
    const swappedWv = reenvelope(bytes, (e) => (e.sender = w.minerB.pair.publicKey.slice()));
    expect(await reasonOf(() => decodeMessage(swappedWv, { now: NOW }))).toBe('sender-mismatch');

    // Header fields are signed too: timestamp, nonce, PeerId.
    const cases: ((e: Envelope) => void)[] = [
      (e) => (e.timestampMs += 1),
      (e) => (e.nonce[3] ^= 0x80),
      (e) => (e.peerId = w.minerA.peerId),
    ];
    for (const mutate of cases) expect(await reasonOf(() => decodeMessage(reenvelope(bytes, mutate), { now: NOW }))).toBe('bad-signature');
  });

  it('bad-signature: a tampered payload (one tensor byte, one weight)', async () => {
    const ch = await enc('challenge', challenge(w.minerA.pair.address), w.validator);
    const tampered = reenvelope(ch, (e) => (e.payload[e.payload.length - 100] ^= 0x01));
    expect(await reasonOf(() => decodeMessage(tampered, { now: NOW }))).toBe('bad-signature');

    const wv = await enc('weight-vector', samples(w)['weight-vector'], w.validator);
    const bumped = reenvelope(wv, (e) => {
      const m = wire.WeightVector.decode(e.payload);
      m.weights[1] = 65535;
      e.payload = wire.WeightVector.encode(m);
    });
    expect(await reasonOf(() => decodeMessage(bumped, { now: NOW }))).toBe('bad-signature');
  });

  it('replayed: the same (sender, nonce) twice, even inside different bytes', async () => {
    const replay = new ReplayGuard({ windowMs: 60_000 });
    const bytes = await enc('announce', samples(w).announce, w.minerA);
    decodeMessage(bytes, { now: NOW, replay });
    expect(await reasonOf(() => decodeMessage(bytes, { now: NOW + 10, replay }))).toBe('replayed');
    // Trailing junk (an unknown field) changes the bytes, not the signed content: still a replay.
    const padded = Uint8Array.from([...bytes, 0x78, 0x01]);
    expect(await reasonOf(() => decodeMessage(padded, { now: NOW + 20, replay }))).toBe('replayed');
    // Another sender may use the same nonce.
    const fixed = nonce(9);
    decodeMessage(await encodeMessage('announce', samples(w).announce, w.minerA.pair, { peerId: w.minerA.peerId, now: NOW, nonce: fixed }), { now: NOW, replay });
    decodeMessage(await encodeMessage('announce', samples(w).announce, w.minerB.pair, { peerId: w.minerB.peerId, now: NOW, nonce: fixed }), { now: NOW, replay });
    // A forged copy never enters the guard: the genuine message is still accepted afterwards.
    const genuine = await enc('announce', samples(w).announce, w.minerB);
    const forged = reenvelope(genuine, (e) => (e.signature[5] ^= 1));
    expect(await reasonOf(() => decodeMessage(forged, { now: NOW, replay }))).toBe('bad-signature');
    expect(decodeMessage(genuine, { now: NOW, replay }).sender.hotkey).toBe(w.minerB.pair.address);
  });

  it('stale and future timestamps', async () => {
    const bytes = await enc('announce', samples(w).announce, w.minerA);
    expect(decodeMessage(bytes, { now: NOW + 60_000 }).kind).toBe('announce');
    expect(await reasonOf(() => decodeMessage(bytes, { now: NOW + 60_001 }))).toBe('stale');
    expect(await reasonOf(() => decodeMessage(bytes, { now: NOW + 5_001, maxAgeMs: 5_000 }))).toBe('stale');
    expect(decodeMessage(bytes, { now: NOW - 30_000 }).kind).toBe('announce');
    expect(await reasonOf(() => decodeMessage(bytes, { now: NOW - 30_001 }))).toBe('future');
    expect(await reasonOf(() => decodeMessage(bytes, { now: NOW - 2, maxFutureMs: 1 }))).toBe('future');
  });

  it('oversized: caps are checked before decoding, per kind', async () => {
    const huge = new Uint8Array(MAX_ENVELOPE_BYTES + 1); // zeros: not even protobuf, but the cap comes first
    expect(await reasonOf(() => decodeMessage(huge, { now: NOW }))).toBe('oversized');
    const bigAnnounce = new Uint8Array(5 * 1024);
    expect(await reasonOf(() => decodeMessage(bigAnnounce, { now: NOW, expectedKind: 'announce' }))).toBe('oversized');
    // A well-formed envelope whose announce payload is over the 4 KiB announce cap.
    const padded = wire.Announce.encode({ ...wire.Announce.decode(Envelope.decode(await enc('announce', samples(w).announce, w.minerA)).payload), modelId: 'x'.repeat(5000) });
    expect(await reasonOf(() => decodeMessage(signedEnvelope(KIND_CODES.announce, padded, w.minerA), { now: NOW }))).toBe('oversized');
    // The encoder refuses to produce what no peer would accept.
    const tooBig = { ...challenge(w.minerA.pair.address), inputs: { x: { dtype: 'float32' as const, dims: [300, 1000], data: new Float32Array(300_000) } } };
    expect(await reasonOf(() => enc('challenge', tooBig, w.validator))).toBe('oversized');
  });

  it('malformed: truncated, garbage and empty bytes never decode', async () => {
    const bytes = await enc('answer', samples(w).answer, w.minerA);
    const reasons = new Set<string>();
    for (let n = 0; n < bytes.length; n += n < 200 ? 1 : 97) reasons.add(await reasonOf(() => decodeMessage(bytes.subarray(0, n), { now: NOW })));
    expect([...reasons].every((r) => ['malformed', 'bad-signature', 'unsupported-version', 'unknown-kind'].includes(r))).toBe(true);
    expect(reasons.has('malformed')).toBe(true);
    expect(await reasonOf(() => decodeMessage(new Uint8Array(0), { now: NOW }))).toBe('malformed');
    expect(await reasonOf(() => decodeMessage(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), { now: NOW }))).toBe('malformed');
    expect(await reasonOf(() => decodeMessage(new TextEncoder().encode('{"kind":"announce"}'), { now: NOW }))).toBe('malformed');
    expect(await reasonOf(() => decodeMessage('not bytes' as unknown as Uint8Array, { now: NOW }))).toBe('malformed');
    // Header fields of the wrong length.
    const short = reenvelope(bytes, (e) => (e.nonce = e.nonce.subarray(0, 8)));
    expect(await reasonOf(() => decodeMessage(short, { now: NOW }))).toBe('malformed');
    // A PeerId that is not one, or not in canonical form.
    const badPeer = signedEnvelope(KIND_CODES.announce, Envelope.decode(await enc('announce', samples(w).announce, w.minerA)).payload, { ...w.minerA, peerId: 'QmNotAPeerId' });
    expect(await reasonOf(() => decodeMessage(badPeer, { now: NOW }))).toBe('malformed');
  });

  it('malformed: signed payloads with out-of-range or inconsistent fields', async () => {
    const v = w.validator;
    const wv = wire.WeightVector.decode(Envelope.decode(await enc('weight-vector', samples(w)['weight-vector'], v)).payload);
    const bad: wire.WeightVector[] = [
      { ...wv, weights: [1, 2, 3, 70_000] }, // not u16
      { ...wv, uids: [0, 4, 3, 250] }, // not increasing
      { ...wv, weights: [1, 2, 3] }, // lengths differ
      { ...wv, validator: new Uint8Array(31) },
    ];
    for (const m of bad) expect(await reasonOf(() => decodeMessage(signedEnvelope(KIND_CODES['weight-vector'], wire.WeightVector.encode(m), v), { now: NOW }))).toBe('malformed');
    const an = wire.Announce.decode(Envelope.decode(await enc('announce', samples(w).announce, w.minerA)).payload);
    for (const m of [{ ...an, provider: 'tpu' }, { ...an, modelSha256: new Uint8Array(20) }, { ...an, multiaddrs: ['not-a-multiaddr'] }]) {
      expect(await reasonOf(() => decodeMessage(signedEnvelope(KIND_CODES.announce, wire.Announce.encode(m), w.minerA), { now: NOW }))).toBe('malformed');
    }
    // A challenge whose deadline is already past at its own timestamp.
    expect(await reasonOf(() => enc('challenge', { ...challenge(w.minerA.pair.address), deadlineMs: NOW }, v))).toBe('malformed');
    // The encoder validates the same way.
    expect(await reasonOf(() => enc('weight-vector', { ...samples(w)['weight-vector'], weights: [1, 2, 3, -1] }, v))).toBe('malformed');
    expect(await reasonOf(() => enc('announce', { ...samples(w).announce, modelSha256: 'AB'.repeat(32) }, w.minerA))).toBe('malformed');
  });

  it('unsupported-version and unknown-kind', async () => {
    const bytes = await enc('announce', samples(w).announce, w.minerA);
    const v2 = signedEnvelope(KIND_CODES.announce, Envelope.decode(bytes).payload, w.minerA, { version: 2 });
    expect(await reasonOf(() => decodeMessage(v2, { now: NOW }))).toBe('unsupported-version');
    expect(await reasonOf(() => decodeMessage(reenvelope(bytes, (e) => (e.version = 0)), { now: NOW }))).toBe('unsupported-version');
    expect(await reasonOf(() => decodeMessage(signedEnvelope(99, Envelope.decode(bytes).payload, w.minerA), { now: NOW }))).toBe('unknown-kind');
  });

  it('wrong-kind, wrong-netuid, wrong-recipient, peer-mismatch, sender-mismatch', async () => {
    const ann = await enc('announce', samples(w).announce, w.minerA);
    expect(await reasonOf(() => decodeMessage(ann, { now: NOW, expectedKind: 'weight-vector' }))).toBe('wrong-kind');
    expect(await reasonOf(() => decodeMessage(ann, { now: NOW, expectedNetuid: NETUID + 1 }))).toBe('wrong-netuid');
    expect(await reasonOf(() => decodeMessage(ann, { now: NOW, expectedPeerId: w.minerB.peerId }))).toBe('peer-mismatch');
    const ch = await enc('challenge', challenge(w.minerA.pair.address), w.validator);
    expect(decodeMessage(ch, { now: NOW, recipient: w.minerA.pair.address }).kind).toBe('challenge');
    expect(await reasonOf(() => decodeMessage(ch, { now: NOW, recipient: w.minerB.pair.address }))).toBe('wrong-recipient');
    expect(await reasonOf(() => enc('weight-vector', samples(w)['weight-vector'], w.minerA))).toBe('sender-mismatch');
  });

  it('shape: signed tensors with a wrong byte length, unknown dtype, bad dims or duplicate names', async () => {
    const v = w.validator;
    const base = wire.Challenge.decode(Envelope.decode(await enc('challenge', challenge(w.minerA.pair.address, 2), v)).payload);
    const t = base.inputs[0];
    const variants: wire.Tensor[][] = [
      [{ ...t, data: t.data.subarray(1) }], // one byte short
      [{ ...t, data: Uint8Array.from([...t.data, 0, 0, 0, 0]) }], // one element too many
      [{ ...t, dtype: 'float16' }],
      [{ ...t, dims: [2, 1, 28, 28, 1, 1, 1, 1, 1] }], // 9 dims
      [{ ...t, dims: [2, 1, 784, 1] }], // same count is fine... (checked below)
      [t, t], // duplicate name
      [{ ...t, name: '' }],
    ];
    for (const [i, inputs] of variants.entries()) {
      const bytes = signedEnvelope(KIND_CODES.challenge, wire.Challenge.encode({ ...base, inputs }), v);
      if (i === 4) expect(decodeMessage(bytes, { now: NOW }).kind).toBe('challenge');
      else expect(await reasonOf(() => decodeMessage(bytes, { now: NOW })), `variant ${i}`).toBe('shape');
    }
    // Encoder side: data length that does not match dims, wrong typed array for the dtype.
    const inputs = digitsInputs(2);
    const x = Object.values(inputs)[0];
    expect(await reasonOf(() => enc('challenge', { ...challenge(w.minerA.pair.address), inputs: { x: { ...x, dims: [3, 1, 28, 28] } } }, v))).toBe('shape');
    expect(await reasonOf(() => enc('challenge', { ...challenge(w.minerA.pair.address), inputs: { x: { ...x, dtype: 'int32' } } }, v))).toBe('shape');
    expect(await reasonOf(() => enc('challenge', { ...challenge(w.minerA.pair.address), inputs: { x: { ...x, dims: [2, 1, 28, -28] } } }, v))).toBe('shape');
    expect(await reasonOf(() => enc('answer', { ...answer(challenge(w.minerA.pair.address), w.minerA.pair.address), outputs: {} }, w.minerA))).toBe('shape');
    expect(digitsOutputs(2)).toBeTruthy();
  });

  it('refuses a replay guard whose window is shorter than the freshness window (a configuration bug)', async () => {
    const bytes = await enc('announce', samples(w).announce, w.minerA);
    expect(() => decodeMessage(bytes, { now: NOW, maxAgeMs: 60_000, replay: new ReplayGuard({ windowMs: 1000 }) })).toThrow(/window/);
  });

  it('exercises every rejection reason', () => {
    const missing = PROTOCOL_ERROR_REASONS.filter((r) => !seenReasons.has(r));
    expect(missing).toEqual([]);
  });
});
