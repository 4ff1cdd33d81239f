/** The chain layer: subtensor client over `@polkadot/api` (browser-safe; no Node APIs). */
export { SubtensorClient, blocksUntilNextEpoch, nextEpochBlock, type BlockProducer, type ConnectOptions } from './client.ts';
export { ChainTxError, decodeDispatchError, findDispatchFailure, submitTx, type SubmitOptions, type TxErrorKind, type TxSigner } from './tx.ts';
export { keypair, keysReady, SS58_FORMAT } from './keys.ts';
export { metagraphToSnapshot, raoToTao, toU16, type SnapshotOptions } from './snapshot.ts';
export type * from './types.ts';
export { compareEpoch, formatMismatches, DEFAULT_COMPARED_FIELDS, type ComparedField, type CompareOptions, type EpochMismatch } from './compare.ts';
