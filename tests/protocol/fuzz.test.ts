/**
 * Fuzz-style: thousands of random and mutated byte strings into decodeMessage. It must never throw
 * anything but a ProtocolError, and whatever it does accept must be a message that was really signed
 * (same kind, sender and nonce as the original it was mutated from). Deterministic (seeded).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, decodePayload, encodeMessage, encodePayload, MESSAGE_KINDS, ProtocolError, type DecodedMessage, type MessageKind } from '../../src/protocol/index.ts';
import { Envelope } from '../../src/protocol/webtensor.ts';
import { answer, challenge, NOW, samples, senderOf, setup, type World } from './fixtures.ts';

/** FUZZ_SEED / FUZZ_N override the fixed seed and case count for longer runs by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 0xc0ffee) >>> 0 || 1;
const N = Number(process.env.FUZZ_N ?? 4000);

class Rng {
  constructor(private s: number) {}
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Random protobuf-shaped bytes: plausible tags with random wire types and lengths. */
function protobufish(r: Rng): Uint8Array {
  const out: number[] = [];
  const fields = 1 + r.int(10);
  for (let i = 0; i < fields; i++) {
    const field = 1 + r.int(9);
    const type = [0, 0, 2, 2, 2, 1, 5, 3][r.int(8)];
    out.push(...varint((field << 3) | type));
    if (type === 0) out.push(...varint(r.int(2 ** 31)));
    else if (type === 2) {
      const len = r.int(80);
      out.push(...varint(r.next() < 0.1 ? len + r.int(1000) : len), ...r.bytes(len));
    } else if (type === 1) out.push(...r.bytes(8));
    else if (type === 5) out.push(...r.bytes(4));
  }
  return Uint8Array.from(out);
}

function mutate(r: Rng, src: Uint8Array, pool: Uint8Array[]): Uint8Array {
  const b = src.slice();
  switch (r.int(9)) {
    case 0: // flip a few bits
      for (let i = 1 + r.int(4); i > 0; i--) b[r.int(b.length)] ^= 1 << r.int(8);
      return b;
    case 1: // overwrite a byte, biased to the header
      b[r.next() < 0.5 ? r.int(Math.min(b.length, 160)) : r.int(b.length)] = r.int(256);
      return b;
    case 2: // truncate
      return b.subarray(0, r.int(b.length));
    case 3: {
      // insert random bytes
      const at = r.int(b.length);
      return Uint8Array.from([...b.subarray(0, at), ...r.bytes(1 + r.int(8)), ...b.subarray(at)]);
    }
    case 4: {
      // delete a range
      const at = r.int(b.length);
      return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + r.int(16))]);
    }
    case 5: {
      // splice two messages
      const other = pool[r.int(pool.length)];
      return Uint8Array.from([...b.subarray(0, r.int(b.length)), ...other.subarray(r.int(other.length))]);
    }
    case 6: // max out a varint-ish byte
      b[r.int(Math.min(b.length, 200))] = 0xff;
      return b;
    case 7: // append junk
      return Uint8Array.from([...b, ...protobufish(r)]);
    default: // rewrite one envelope field with random bytes of a random length
      try {
        const env = Envelope.decode(b);
        const which = r.int(5);
        if (which === 0) env.payload = r.bytes(r.int(64));
        if (which === 1) env.sender = r.bytes(r.int(2) ? 32 : r.int(40));
        if (which === 2) env.peerId = String.fromCharCode(...r.bytes(r.int(60)));
        if (which === 3) env.kind = r.int(8);
        if (which === 4) env.timestampMs = NOW + r.int(200_000) - 100_000;
        return Envelope.encode(env);
      } catch {
        return b;
      }
  }
}

describe('fuzz', () => {
  let w: World;
  const originals: { kind: MessageKind; bytes: Uint8Array; msg: DecodedMessage }[] = [];
  beforeAll(async () => {
    w = await setup();
    const s = samples(w);
    const small = challenge(w.minerA.pair.address, 2);
    const payloads = { ...s, challenge: small, answer: answer(small, w.minerA.pair.address, 2) };
    for (const kind of MESSAGE_KINDS) {
      const from = senderOf(w, kind);
      const bytes = await encodeMessage(kind, payloads[kind] as never, from.pair, { peerId: from.peerId, now: NOW });
      originals.push({ kind, bytes, msg: decodeMessage(bytes, { now: NOW }) });
    }
  });

  it(`throws nothing but ProtocolError on ${N} random and mutated inputs, and never accepts a forgery`, () => {
    const r = new Rng(SEED);
    const pool = originals.map((o) => o.bytes);
    const reasons = new Map<string, number>();
    let accepted = 0;
    for (let i = 0; i < N; i++) {
      const src = originals[i % originals.length];
      const mode = r.int(10);
      const input = mode === 0 ? r.bytes(r.int(300)) : mode === 1 ? protobufish(r) : mutate(r, src.bytes, pool);
      let msg: DecodedMessage | undefined;
      try {
        msg = decodeMessage(input, { now: NOW });
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw new Error(`case ${i} (mode ${mode}) threw a non-ProtocolError: ${String(error)}`);
        reasons.set(error.reason, (reasons.get(error.reason) ?? 0) + 1);
        continue;
      }
      // Accepted: only possible when the signed content is intact (e.g. junk appended as unknown fields).
      accepted++;
      const same = originals.find((o) => o.msg.sender.publicKey.every((x, j) => x === msg!.sender.publicKey[j]) && o.msg.sender.nonce.every((x, j) => x === msg!.sender.nonce[j]));
      expect(same, `case ${i}: accepted a message that was never signed`).toBeDefined();
      expect(msg.kind).toBe(same!.kind);
      expect(msg.payload).toEqual(same!.msg.payload);
    }
    if (process.env.FUZZ_STATS) console.log({ accepted, reasons: Object.fromEntries(reasons) });
    // The mutations reach deep: most reasons show up, and most inputs are refused.
    expect(reasons.size).toBeGreaterThanOrEqual(6);
    expect(accepted).toBeLessThan(N * 0.2);
  });

  it(`payload layer: ${N} mutated payloads decode to ProtocolError or to a payload the encoder accepts as is`, () => {
    const r = new Rng(SEED ^ 0x5eed);
    const payloads = originals.map((o) => ({ kind: o.kind, bytes: Envelope.decode(o.bytes).payload }));
    const pool = payloads.map((p) => p.bytes);
    let accepted = 0;
    for (let i = 0; i < N; i++) {
      const { kind, bytes } = payloads[i % payloads.length];
      const input = r.int(8) === 0 ? protobufish(r) : mutate(r, bytes, pool);
      let payload: unknown;
      try {
        payload = decodePayload(kind, input);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw new Error(`case ${i} (${kind}) threw a non-ProtocolError: ${String(error)}`);
        continue;
      }
      accepted++;
      // Whatever a peer accepts, it could have sent: the encoder takes it and it round-trips.
      const again = encodePayload(kind, payload as never);
      expect(decodePayload(kind, again), `case ${i} (${kind})`).toEqual(payload);
    }
    expect(accepted).toBeGreaterThan(50);
  });
});
