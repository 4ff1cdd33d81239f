/**
 * The committed codec matches webtensor.proto (regenerate with `npx protons src/protocol/webtensor.proto`),
 * the message-kind numbers match the proto enum, and the protocol module stays pure.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'protons';
import { describe, expect, it } from 'vitest';
import { KIND_CODES } from '../../src/protocol/constants.ts';

const DIR = new URL('../../src/protocol/', import.meta.url).pathname;

describe('protocol source', () => {
  it('webtensor.ts is what protons generates from webtensor.proto', async () => {
    const out = await mkdtemp(join(tmpdir(), 'webtensor-protons-'));
    try {
      await generate(join(DIR, 'webtensor.proto'), { output: out });
      const fresh = await readFile(join(out, 'webtensor.ts'), 'utf8');
      const committed = await readFile(join(DIR, 'webtensor.ts'), 'utf8');
      expect(committed === fresh, 'webtensor.ts is stale: run `npx protons src/protocol/webtensor.proto`').toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('KIND_CODES are the MessageKind numbers of webtensor.proto', async () => {
    const proto = await readFile(join(DIR, 'webtensor.proto'), 'utf8');
    const block = proto.slice(proto.indexOf('enum MessageKind'), proto.indexOf('}', proto.indexOf('enum MessageKind')));
    const numbers = Object.fromEntries([...block.matchAll(/(\w+) = (\d+);/g)].map((m) => [m[1], Number(m[2])]));
    expect(numbers).toEqual({
      KIND_UNSPECIFIED: 0,
      ANNOUNCE: KIND_CODES.announce,
      CHALLENGE: KIND_CODES.challenge,
      ANSWER: KIND_CODES.answer,
      WEIGHT_VECTOR: KIND_CODES['weight-vector'],
      EPOCH_RESULT: KIND_CODES['epoch-result'],
    });
  });

  it('is pure: no Node built-ins, no DOM, no sockets', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = await readFile(join(DIR, f), 'utf8');
      const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) {
        expect(spec.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'net', 'buffer', 'ws'].includes(spec), `${f} imports ${spec}`).toBe(false);
      }
      const code = src
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");
      const globals = code.match(/\b(window|document|navigator|localStorage|indexedDB|WebSocket|RTCPeerConnection|process|Buffer|require)\b/g);
      expect(globals, `${f} touches host globals`).toBeNull();
    }
  });
});
