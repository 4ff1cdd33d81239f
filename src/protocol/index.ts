/**
 * webtensor wire protocol: versioned, signed protobuf messages shared unchanged by browser miners,
 * the relay and validators. Pure TypeScript: no DOM, no sockets, no Node APIs.
 *
 *   await protocolReady();
 *   const bytes = await encodeMessage('announce', { netuid, modelId, modelSha256, provider, multiaddrs }, pair, { peerId });
 *   const msg = decodeMessage(bytes, { expectedKind: 'announce', expectedNetuid: netuid, expectedPeerId: from, replay });
 *
 * Wire format: webtensor.proto (codec webtensor.ts, generated). Format details: README.md here.
 */
export * from './constants.ts';
export * from './errors.ts';
export { checkAnswer, decodeMessage, encodeMessage, type DecodedMessage, type DecodeOptions, type EncodeOptions, type Sender } from './envelope.ts';
export {
  decodePayload,
  encodePayload,
  EPOCH_SOURCES,
  PROVIDERS,
  type AnnouncePayload,
  type AnswerPayload,
  type ChallengePayload,
  type EpochResultPayload,
  type EpochSource,
  type ExecutionProvider,
  type Hotkey,
  type PayloadByKind,
  type WeightVectorPayload,
} from './messages.ts';
export { ReplayGuard, type ReplayGuardOptions, type ReplayVerdict } from './replay.ts';
export {
  hotkeyAddress,
  hotkeyPublicKey,
  protocolReady,
  sameHotkey,
  SIGNING_DOMAIN,
  signerFromSignRaw,
  signingBytes,
  SS58_FORMAT,
  verifySr25519,
  type Signer,
  type SignRaw,
} from './signing.ts';
export { DTYPE_ITEMSIZE, tensorFromWire, tensorsFromWire, tensorsToWire, tensorToWire, type WireTensor } from './tensors.ts';
