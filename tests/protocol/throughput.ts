/**
 * Quick throughput check of the wire protocol (not part of the test run):
 *   npx tsx tests/protocol/throughput.ts
 * Prints message sizes and messages/s for encode+sign and decode+verify of typical messages.
 */
import { decodeMessage, encodeMessage, ReplayGuard, signingBytes, verifySr25519 } from '../../src/protocol/index.ts';
import { Envelope } from '../../src/protocol/webtensor.ts';
import { answer, challenge, NOW, samples, setup } from './fixtures.ts';

const w = await setup();
const { minerA: A, validator: V } = w;
const ch = challenge(A.pair.address, 32);
const an = answer(ch, A.pair.address, 32);
const wv = samples(w)['weight-vector'];
const chBytes = await encodeMessage('challenge', ch, V.pair, { peerId: V.peerId, now: NOW });
const anBytes = await encodeMessage('answer', an, A.pair, { peerId: A.peerId, now: NOW });
const wvBytes = await encodeMessage('weight-vector', wv, V.pair, { peerId: V.peerId, now: NOW });
console.log(`sizes (bytes): challenge 32x1x28x28 float32 ${chBytes.length} (tensor ${32 * 28 * 28 * 4}), answer 32x10 float32 ${anBytes.length} (tensor ${32 * 10 * 4}), weight vector (4 uids) ${wvBytes.length}`);

async function rate(label: string, n: number, f: () => unknown): Promise<void> {
  for (let i = 0; i < Math.min(100, n); i++) await f();
  const t = performance.now();
  for (let i = 0; i < n; i++) await f();
  const ms = performance.now() - t;
  console.log(`${label.padEnd(42)} ${((n / ms) * 1000).toFixed(0).padStart(8)} msg/s ${((ms / n) * 1000).toFixed(0).padStart(7)} µs/msg`);
}

await rate('encode+sign challenge 32x1x28x28', 1000, () => encodeMessage('challenge', ch, V.pair, { peerId: V.peerId, now: NOW }));
await rate('decode+verify challenge 32x1x28x28', 1000, () => decodeMessage(chBytes, { now: NOW }));
await rate('encode+sign answer 32x10', 1000, () => encodeMessage('answer', an, A.pair, { peerId: A.peerId, now: NOW }));
await rate('decode+verify answer 32x10', 2000, () => decodeMessage(anBytes, { now: NOW }));
await rate('encode+sign weight vector', 1000, () => encodeMessage('weight-vector', wv, V.pair, { peerId: V.peerId, now: NOW }));
await rate('decode+verify weight vector', 2000, () => decodeMessage(wvBytes, { now: NOW }));
const env = Envelope.decode(anBytes);
const msg = signingBytes({ version: env.version, kindCode: env.kind, sender: env.sender, peerId: env.peerId, timestampMs: env.timestampMs, nonce: env.nonce, payload: env.payload });
await rate('sr25519 verify (schnorrkel WASM)', 2000, () => verifySr25519(msg, env.signature, env.sender));
await rate('sr25519 verify (pure JS, util-crypto 14)', 300, () => verifySr25519(msg, env.signature, env.sender, 'js'));
await rate('sr25519 sign (keyring pair)', 1000, () => A.pair.sign(msg));
const guard = new ReplayGuard({ windowMs: 60_000 });
let i = 0;
await rate('ReplayGuard.admit', 100_000, () => {
  const n = new Uint8Array(16);
  new DataView(n.buffer).setUint32(0, i++);
  return guard.admit(env.sender, n, NOW, NOW);
});
