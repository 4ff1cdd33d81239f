/**
 * Who is on a subnet: uid, hotkey, stake and validator permit. Validators score only registered
 * hotkeys; miners answer only validators holding a permit. Two sources, one interface:
 * - the chain's metagraph (`chainRegistry`), when a chain is configured;
 * - a local registry file (`fileRegistry`), for off-chain networks and tests:
 *
 *   { "netuid": 1,
 *     "neurons": [ { "uid": 0, "hotkey": "5F…", "validatorPermit": true, "stake": 1000 },
 *                  { "uid": 1, "hotkey": "5G…" } ] }
 *
 * The file is re-read when it changes, so neurons can be added while everything runs.
 */
import { readFileSync, statSync } from 'node:fs';
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import type { SubtensorClient } from '../../src/chain/client.ts';
import { SS58_FORMAT } from '../../src/chain/keys.ts';

export interface Member {
  uid: number;
  /** SS58 (format 42). */
  hotkey: string;
  validatorPermit: boolean;
  /** Stake in TAO (informational off chain). */
  stake: number;
}

export interface Registry {
  /** Where the members come from, for logs. */
  readonly source: string;
  /** The members now (cached briefly by the implementation). Throws RegistryError when the source is unusable. */
  members(): Promise<Member[]>;
}

export class RegistryError extends Error {
  override name = 'RegistryError';
}

/** Parses a registry file's text; every problem names the field. */
export function parseRegistry(text: string, netuid: number, source = 'registry'): Member[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new RegistryError(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new RegistryError(`${source}: expected an object with "netuid" and "neurons"`);
  const { netuid: fileNetuid, neurons } = doc as { netuid?: unknown; neurons?: unknown };
  if (fileNetuid !== netuid) throw new RegistryError(`${source}: "netuid" is ${JSON.stringify(fileNetuid)}, expected ${netuid}`);
  if (!Array.isArray(neurons)) throw new RegistryError(`${source}: "neurons" must be an array`);
  const uids = new Set<number>();
  const hotkeys = new Set<string>();
  return neurons.map((raw: unknown, i) => {
    const where = `${source}: neurons[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new RegistryError(`${where} must be an object`);
    const { uid, hotkey, validatorPermit = false, stake = 0, ...rest } = raw as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new RegistryError(`${where}: unknown field "${unknown[0]}"`);
    if (typeof uid !== 'number' || !Number.isInteger(uid) || uid < 0 || uid > 0xffff) throw new RegistryError(`${where}.uid must be a u16`);
    if (uids.has(uid)) throw new RegistryError(`${where}.uid ${uid} appears twice`);
    if (typeof hotkey !== 'string') throw new RegistryError(`${where}.hotkey must be an SS58 address`);
    let ss58: string;
    try {
      ss58 = encodeAddress(decodeAddress(hotkey), SS58_FORMAT);
    } catch {
      throw new RegistryError(`${where}.hotkey "${hotkey}" is not an SS58 address`);
    }
    if (hotkeys.has(ss58)) throw new RegistryError(`${where}.hotkey ${hotkey} appears twice`);
    if (typeof validatorPermit !== 'boolean') throw new RegistryError(`${where}.validatorPermit must be a boolean`);
    if (typeof stake !== 'number' || !Number.isFinite(stake) || stake < 0) throw new RegistryError(`${where}.stake must be a non-negative number`);
    uids.add(uid);
    hotkeys.add(ss58);
    return { uid, hotkey: ss58, validatorPermit, stake };
  });
}

/** A registry file, re-read when its mtime or size changes. */
export function fileRegistry(path: string, netuid: number): Registry {
  let cached: { key: string; members: Member[] } | undefined;
  return {
    source: `file ${path}`,
    async members() {
      let key: string;
      try {
        const st = statSync(path);
        key = `${st.mtimeMs}:${st.size}`;
      } catch (error) {
        throw new RegistryError(`registry file ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (cached?.key !== key) cached = { key, members: parseRegistry(readFileSync(path, 'utf8'), netuid, path) };
      return cached.members;
    },
  };
}

/**
 * The chain's metagraph, read at most every `maxAgeMs` (default 12 s, one block). While the chain
 * is unreachable the last members read stay in use (validators keep scoring, miners keep
 * answering); only a registry never read throws.
 */
export function chainRegistry(client: SubtensorClient, netuid: number, maxAgeMs = 12_000): Registry {
  let cached: { at: number; members: Member[] } | undefined;
  return {
    source: `chain netuid ${netuid}`,
    async members() {
      if (cached && Date.now() - cached.at < maxAgeMs) return cached.members;
      let mg;
      try {
        mg = await client.metagraph(netuid);
      } catch (error) {
        if (cached) return cached.members;
        throw new RegistryError(`cannot read the metagraph of netuid ${netuid}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const members = mg.neurons.map((n) => ({
        uid: n.uid,
        hotkey: n.hotkey,
        validatorPermit: n.validatorPermit,
        stake: Number(n.stake) / 1e9,
      }));
      cached = { at: Date.now(), members };
      return members;
    },
  };
}
