/**
 * Extrinsic submission with every outcome surfaced: resolve when the extrinsic is in a block (or
 * finalized) and dispatched successfully; reject with a `ChainTxError` otherwise. Dispatch errors
 * nested in `Sudo.Sudid`, `Sudo.SudoAsDone`, `Proxy.ProxyExecuted`, `Multisig.MultisigExecuted` and
 * `Utility.BatchInterrupted` count as failures too (the outer extrinsic "succeeds" in those cases).
 * Works in the browser (no Node APIs).
 */
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { DispatchError, EventRecord } from '@polkadot/types/interfaces';
import type { ISubmittableResult, Signer } from '@polkadot/types/types';
import type { ChainEvent, TxOutcome } from './types.ts';

/** A local keypair, or an address plus an injected signer (browser extension). */
export type TxSigner = KeyringPair | { address: string; signer: Signer };

export type TxErrorKind =
  /** `ExtrinsicFailed` (or a nested dispatch error) with a pallet error: see `errorName`. */
  | 'module'
  /** `ExtrinsicFailed` with a non-module dispatch error (BadOrigin, Token, Arithmetic, ...). */
  | 'dispatch'
  /** Rejected by the pool or at block building (bad nonce, no funds for fees, bad signature, ...). */
  | 'invalid'
  | 'dropped'
  | 'usurped'
  | 'retracted'
  | 'finalityTimeout'
  /** Not included within the timeout. */
  | 'timeout'
  /** The RPC call itself failed (connection, unexpected error). */
  | 'rpc';

export class ChainTxError extends Error {
  override readonly name = 'ChainTxError';
  constructor(
    message: string,
    readonly kind: TxErrorKind,
    readonly details: {
      /** The call, e.g. `subtensorModule.setWeights`. */
      call: string;
      /** `Pallet.Error` (e.g. `SubtensorModule.SettingWeightsTooFast`) or the dispatch error's name. */
      errorName?: string;
      /** Pallet (metadata name, e.g. `SubtensorModule`) and error (e.g. `SettingWeightsTooFast`). */
      pallet?: string;
      error?: string;
      docs?: string;
      txHash?: string;
      blockHash?: string;
      events?: ChainEvent[];
    },
  ) {
    super(message);
  }
  get errorName(): string | undefined {
    return this.details.errorName;
  }
  get call(): string {
    return this.details.call;
  }
}

export interface DecodedDispatchError {
  kind: 'module' | 'dispatch';
  /** `Pallet.Error` for module errors, else e.g. `BadOrigin`, `Token.FundsUnavailable`. */
  errorName: string;
  pallet?: string;
  error?: string;
  docs?: string;
}

/** Decodes a `DispatchError` through the runtime metadata (module errors get their pallet's name). */
export function decodeDispatchError(api: ApiPromise, dispatchError: DispatchError): DecodedDispatchError {
  if (dispatchError.isModule) {
    const mod = dispatchError.asModule;
    try {
      const meta = api.registry.findMetaError(mod);
      const pallet =
        api.registry.metadata.pallets.find((p) => p.index.toNumber() === mod.index.toNumber())?.name.toString() ??
        meta.section;
      return {
        kind: 'module',
        errorName: `${pallet}.${meta.name}`,
        pallet,
        error: meta.name,
        docs: meta.docs.join(' ').trim(),
      };
    } catch {
      return { kind: 'module', errorName: `Module(${mod.index.toString()}, ${mod.error.toHex()})` };
    }
  }
  const type = dispatchError.type;
  const inner = (dispatchError as unknown as Record<string, unknown>)[`as${type}`] as { type?: string } | undefined;
  const sub = inner && typeof inner === 'object' && typeof inner.type === 'string' ? `.${inner.type}` : '';
  return { kind: 'dispatch', errorName: `${type}${sub}` };
}

function eventToPlain(record: EventRecord): ChainEvent {
  const { section, method, data } = record.event;
  return { section, method, name: `${section}.${method}`, data: data.map((d) => d.toJSON()) };
}

/**
 * Looks for a failure among an included extrinsic's events: `System.ExtrinsicFailed`, and dispatch
 * errors nested in results of Sudo / Proxy / Multisig, or `Utility.BatchInterrupted`.
 */
export function findDispatchFailure(api: ApiPromise, records: EventRecord[]): DecodedDispatchError | undefined {
  for (const { event } of records) {
    if (api.events.system?.ExtrinsicFailed?.is(event)) {
      return decodeDispatchError(api, event.data[0] as DispatchError);
    }
  }
  for (const { event } of records) {
    if (event.section === 'utility' && event.method === 'BatchInterrupted') {
      const decoded = decodeDispatchError(api, event.data[1] as DispatchError);
      return { ...decoded, docs: `batch item ${event.data[0]?.toString()} failed${decoded.docs ? `: ${decoded.docs}` : ''}` };
    }
    for (const item of event.data) {
      const result = item as unknown as { isErr?: boolean; asErr?: DispatchError };
      if (result.isErr === true && result.asErr) {
        const inner = result.asErr as DispatchError;
        if (typeof (inner as { isModule?: unknown }).isModule === 'boolean') {
          const decoded = decodeDispatchError(api, inner);
          return { ...decoded, docs: `${event.section}.${event.method}: ${decoded.docs ?? ''}`.trim() };
        }
      }
    }
  }
  return undefined;
}

export interface SubmitOptions {
  /** Resolve at `inBlock` (default) or wait for `finalized`. */
  waitFor?: 'inBlock' | 'finalized';
  /** Give up (and reject with kind `timeout`) after this long. Default 60 s. */
  timeoutMs?: number;
  /** Explicit nonce; default: the next one, counting extrinsics already in the pool. */
  nonce?: number;
  /** Called once the extrinsic is in the pool (for example to build a block in manual mode). */
  onSubmitted?: () => void | Promise<void>;
}

/** What `signAndSend` is first given: a keypair, or an address with `{ signer }`. */
function signerArgs(signer: TxSigner): { account: KeyringPair | string; signer?: Signer } {
  if ('signer' in signer && signer.signer !== undefined && !('sign' in signer)) {
    return { account: signer.address, signer: signer.signer };
  }
  return { account: signer as KeyringPair };
}

export function callName(tx: SubmittableExtrinsic<'promise'>): string {
  return `${tx.method.section}.${tx.method.method}`;
}

/**
 * Signs, submits and watches one extrinsic. Resolves with its block hash, number and events once it
 * is in a block (or finalized, per `waitFor`) and dispatched without error.
 */
export function submitTx(
  api: ApiPromise,
  tx: SubmittableExtrinsic<'promise'>,
  signer: TxSigner,
  options: SubmitOptions = {},
): Promise<TxOutcome> {
  const call = callName(tx);
  const waitFor = options.waitFor ?? 'inBlock';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const { account, signer: injected } = signerArgs(signer);

  return new Promise<TxOutcome>((resolve, reject) => {
    let settled = false;
    let unsubscribe: (() => void) | undefined;
    let txHash: string | undefined;
    const timer = setTimeout(() => {
      fail(new ChainTxError(`${call}: not included within ${timeoutMs} ms`, 'timeout', { call, txHash }));
    }, timeoutMs);

    const finish = () => {
      settled = true;
      clearTimeout(timer);
      try {
        unsubscribe?.();
      } catch {
        /* already closed */
      }
    };
    function fail(error: Error) {
      if (settled) return;
      finish();
      reject(error);
    }
    function succeed(outcome: TxOutcome) {
      if (settled) return;
      finish();
      resolve(outcome);
    }

    const onResult = (result: ISubmittableResult) => {
      if (settled) return;
      const { status } = result;
      txHash = result.txHash.toHex();
      const included = status.isInBlock || status.isFinalized;
      if (included && (status.isFinalized || waitFor === 'inBlock')) {
        const blockHash = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex();
        const events = result.events.map(eventToPlain);
        const failure = findDispatchFailure(api, result.events);
        if (failure) {
          fail(
            new ChainTxError(
              `${call} failed: ${failure.errorName}${failure.docs ? ` (${failure.docs})` : ''}`,
              failure.kind,
              { call, ...failure, txHash, blockHash, events },
            ),
          );
          return;
        }
        api.rpc.chain
          .getHeader(blockHash)
          .then((header) => header.number.toNumber())
          .catch(() => -1)
          .then((blockNumber) =>
            succeed({
              txHash: txHash as string,
              blockHash,
              blockNumber,
              status: status.isFinalized ? 'finalized' : 'inBlock',
              events,
            }),
          );
        return;
      }
      const bad: Array<[boolean, TxErrorKind]> = [
        [status.isInvalid, 'invalid'],
        [status.isDropped, 'dropped'],
        [status.isUsurped, 'usurped'],
        [status.isRetracted && waitFor === 'finalized', 'retracted'],
        [status.isFinalityTimeout, 'finalityTimeout'],
      ];
      for (const [is, kind] of bad) {
        if (is) {
          const hint = kind === 'invalid' ? ': rejected by the runtime when the block was built (stale/future nonce, fees, or a signed-extension check)' : '';
          fail(new ChainTxError(`${call}: transaction ${kind}${hint}`, kind, { call, txHash }));
          return;
        }
      }
    };

    const sendOptions = { nonce: options.nonce ?? -1, ...(injected ? { signer: injected } : {}) };
    tx.signAndSend(account, sendOptions, onResult)
      .then(async (unsub) => {
        if (settled) {
          unsub();
          return;
        }
        unsubscribe = unsub;
        if (options.onSubmitted) await options.onSubmitted();
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        // 1010: invalid transaction (bad nonce, fees, signature, call validity); 1011/1012: unknown/pool.
        const kind: TxErrorKind = /\b101[0-2]\b|Invalid Transaction|Priority is too low|Transaction is outdated/i.test(message)
          ? 'invalid'
          : 'rpc';
        fail(new ChainTxError(`${call}: ${message}`, kind, { call, txHash }));
      });
  });
}
