import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum MessageKind {
  KIND_UNSPECIFIED = 'KIND_UNSPECIFIED',
  ANNOUNCE = 'ANNOUNCE',
  CHALLENGE = 'CHALLENGE',
  ANSWER = 'ANSWER',
  WEIGHT_VECTOR = 'WEIGHT_VECTOR',
  EPOCH_RESULT = 'EPOCH_RESULT'
}

enum __MessageKindValues {
  KIND_UNSPECIFIED = 0,
  ANNOUNCE = 1,
  CHALLENGE = 2,
  ANSWER = 3,
  WEIGHT_VECTOR = 4,
  EPOCH_RESULT = 5
}

export namespace MessageKind {
  export const codec = (): Codec<MessageKind> => {
    return enumeration<MessageKind>(__MessageKindValues)
  }
}

export interface Envelope {
  version: number
  kind: number
  payload: Uint8Array
  sender: Uint8Array
  peerId: string
  timestampMs: number
  nonce: Uint8Array
  signature: Uint8Array
}

export namespace Envelope {
  let _codec: Codec<Envelope>

  export const codec = (): Codec<Envelope> => {
    if (_codec == null) {
      _codec = message<Envelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.kind != null && obj.kind !== 0)) {
          w.uint32(16)
          w.uint32(obj.kind)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.payload)
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.sender)
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(42)
          w.string(obj.peerId)
        }

        if ((obj.timestampMs != null && obj.timestampMs !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.timestampMs)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.nonce)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          kind: 0,
          payload: uint8ArrayAlloc(0),
          sender: uint8ArrayAlloc(0),
          peerId: '',
          timestampMs: 0,
          nonce: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.kind = reader.uint32()
              break
            }
            case 3: {
              obj.payload = reader.bytes()
              break
            }
            case 4: {
              obj.sender = reader.bytes()
              break
            }
            case 5: {
              obj.peerId = reader.string()
              break
            }
            case 6: {
              obj.timestampMs = reader.uint64Number()
              break
            }
            case 7: {
              obj.nonce = reader.bytes()
              break
            }
            case 8: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kind`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.timestampMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EnvelopeVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface EnvelopeKindFieldEvent {
    field: '$.kind'
    value: number
  }

  export interface EnvelopePayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array
  }

  export interface EnvelopeSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array
  }

  export interface EnvelopePeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface EnvelopeTimestampMsFieldEvent {
    field: '$.timestampMs'
    value: number
  }

  export interface EnvelopeNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array
  }

  export interface EnvelopeSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array
  }

  export function encode (obj: Partial<Envelope>): Uint8Array {
    return encodeMessage(obj, Envelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope {
    return decodeMessage(buf, Envelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopeVersionFieldEvent | EnvelopeKindFieldEvent | EnvelopePayloadFieldEvent | EnvelopeSenderFieldEvent | EnvelopePeerIdFieldEvent | EnvelopeTimestampMsFieldEvent | EnvelopeNonceFieldEvent | EnvelopeSignatureFieldEvent> {
    return streamMessage(buf, Envelope.codec(), opts)
  }
}

export interface Tensor {
  name: string
  dtype: string
  dims: number[]
  data: Uint8Array
}

export namespace Tensor {
  let _codec: Codec<Tensor>

  export const codec = (): Codec<Tensor> => {
    if (_codec == null) {
      _codec = message<Tensor>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.dtype != null && obj.dtype !== '')) {
          w.uint32(18)
          w.string(obj.dtype)
        }

        if (obj.dims != null && obj.dims.length > 0) {
          for (const value of obj.dims) {
            w.uint32(24)
            w.uint32(value)
          }
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          dtype: '',
          dims: [],
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.dtype = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.dims != null && obj.dims.length === opts.limits.dims) {
                throw new MaxLengthError('Decode error - repeated field "dims" had too many elements')
              }

              obj.dims.push(reader.uint32())
              break
            }
            case 4: {
              obj.data = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          dims: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.dtype`,
                value: reader.string()
              }
              break
            }
            case 3: {
              if (opts.limits?.dims != null && obj.dims === opts.limits.dims) {
                throw new MaxLengthError('Streaming decode error - repeated field "dims" had too many elements')
              }

              yield {
                field: `${prefix}.dims[]`,
                index: obj.dims,
                value: reader.uint32()
              }

              obj.dims++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface TensorNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface TensorDtypeFieldEvent {
    field: '$.dtype'
    value: string
  }

  export interface TensorDimsFieldEvent {
    field: '$.dims[]'
    index: number
    value: number
  }

  export interface TensorDataFieldEvent {
    field: '$.data'
    value: Uint8Array
  }

  export function encode (obj: Partial<Tensor>): Uint8Array {
    return encodeMessage(obj, Tensor.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Tensor>): Tensor {
    return decodeMessage(buf, Tensor.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Tensor>): Generator<TensorNameFieldEvent | TensorDtypeFieldEvent | TensorDimsFieldEvent | TensorDataFieldEvent> {
    return streamMessage(buf, Tensor.codec(), opts)
  }
}

export interface Announce {
  netuid: number
  modelId: string
  modelSha256: Uint8Array
  provider: string
  multiaddrs: string[]
}

export namespace Announce {
  let _codec: Codec<Announce>

  export const codec = (): Codec<Announce> => {
    if (_codec == null) {
      _codec = message<Announce>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.netuid != null && obj.netuid !== 0)) {
          w.uint32(8)
          w.uint32(obj.netuid)
        }

        if ((obj.modelId != null && obj.modelId !== '')) {
          w.uint32(18)
          w.string(obj.modelId)
        }

        if ((obj.modelSha256 != null && obj.modelSha256.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.modelSha256)
        }

        if ((obj.provider != null && obj.provider !== '')) {
          w.uint32(34)
          w.string(obj.provider)
        }

        if (obj.multiaddrs != null && obj.multiaddrs.length > 0) {
          for (const value of obj.multiaddrs) {
            w.uint32(42)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          netuid: 0,
          modelId: '',
          modelSha256: uint8ArrayAlloc(0),
          provider: '',
          multiaddrs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.netuid = reader.uint32()
              break
            }
            case 2: {
              obj.modelId = reader.string()
              break
            }
            case 3: {
              obj.modelSha256 = reader.bytes()
              break
            }
            case 4: {
              obj.provider = reader.string()
              break
            }
            case 5: {
              if (opts.limits?.multiaddrs != null && obj.multiaddrs.length === opts.limits.multiaddrs) {
                throw new MaxLengthError('Decode error - repeated field "multiaddrs" had too many elements')
              }

              obj.multiaddrs.push(reader.string())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          multiaddrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.netuid`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.modelId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.modelSha256`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.provider`,
                value: reader.string()
              }
              break
            }
            case 5: {
              if (opts.limits?.multiaddrs != null && obj.multiaddrs === opts.limits.multiaddrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "multiaddrs" had too many elements')
              }

              yield {
                field: `${prefix}.multiaddrs[]`,
                index: obj.multiaddrs,
                value: reader.string()
              }

              obj.multiaddrs++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AnnounceNetuidFieldEvent {
    field: '$.netuid'
    value: number
  }

  export interface AnnounceModelIdFieldEvent {
    field: '$.modelId'
    value: string
  }

  export interface AnnounceModelSha256FieldEvent {
    field: '$.modelSha256'
    value: Uint8Array
  }

  export interface AnnounceProviderFieldEvent {
    field: '$.provider'
    value: string
  }

  export interface AnnounceMultiaddrsFieldEvent {
    field: '$.multiaddrs[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<Announce>): Uint8Array {
    return encodeMessage(obj, Announce.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announce>): Announce {
    return decodeMessage(buf, Announce.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announce>): Generator<AnnounceNetuidFieldEvent | AnnounceModelIdFieldEvent | AnnounceModelSha256FieldEvent | AnnounceProviderFieldEvent | AnnounceMultiaddrsFieldEvent> {
    return streamMessage(buf, Announce.codec(), opts)
  }
}

export interface Challenge {
  netuid: number
  taskId: string
  challengeId: number
  nonce: Uint8Array
  deadlineMs: number
  miner: Uint8Array
  inputs: Tensor[]
}

export namespace Challenge {
  let _codec: Codec<Challenge>

  export const codec = (): Codec<Challenge> => {
    if (_codec == null) {
      _codec = message<Challenge>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.netuid != null && obj.netuid !== 0)) {
          w.uint32(8)
          w.uint32(obj.netuid)
        }

        if ((obj.taskId != null && obj.taskId !== '')) {
          w.uint32(18)
          w.string(obj.taskId)
        }

        if ((obj.challengeId != null && obj.challengeId !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.challengeId)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.nonce)
        }

        if ((obj.deadlineMs != null && obj.deadlineMs !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.deadlineMs)
        }

        if ((obj.miner != null && obj.miner.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.miner)
        }

        if (obj.inputs != null && obj.inputs.length > 0) {
          for (const value of obj.inputs) {
            w.uint32(58)
            Tensor.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          netuid: 0,
          taskId: '',
          challengeId: 0,
          nonce: uint8ArrayAlloc(0),
          deadlineMs: 0,
          miner: uint8ArrayAlloc(0),
          inputs: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.netuid = reader.uint32()
              break
            }
            case 2: {
              obj.taskId = reader.string()
              break
            }
            case 3: {
              obj.challengeId = reader.uint64Number()
              break
            }
            case 4: {
              obj.nonce = reader.bytes()
              break
            }
            case 5: {
              obj.deadlineMs = reader.uint64Number()
              break
            }
            case 6: {
              obj.miner = reader.bytes()
              break
            }
            case 7: {
              if (opts.limits?.inputs != null && obj.inputs.length === opts.limits.inputs) {
                throw new MaxLengthError('Decode error - repeated field "inputs" had too many elements')
              }

              obj.inputs.push(Tensor.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.inputs$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          inputs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.netuid`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.taskId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.challengeId`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.deadlineMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.miner`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              if (opts.limits?.inputs != null && obj.inputs === opts.limits.inputs) {
                throw new MaxLengthError('Streaming decode error - repeated field "inputs" had too many elements')
              }

              for (const evt of Tensor.codec().stream(reader, reader.uint32(), `${prefix}.inputs[]`, {
                limits: opts.limits?.inputs$
              })) {
                yield {
                  ...evt,
                  index: obj.inputs
                }
              }

              obj.inputs++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChallengeNetuidFieldEvent {
    field: '$.netuid'
    value: number
  }

  export interface ChallengeTaskIdFieldEvent {
    field: '$.taskId'
    value: string
  }

  export interface ChallengeChallengeIdFieldEvent {
    field: '$.challengeId'
    value: number
  }

  export interface ChallengeNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array
  }

  export interface ChallengeDeadlineMsFieldEvent {
    field: '$.deadlineMs'
    value: number
  }

  export interface ChallengeMinerFieldEvent {
    field: '$.miner'
    value: Uint8Array
  }

  export interface ChallengeInputsNameFieldEvent {
    field: '$.inputs[].name'
    value: string
    index: number
  }

  export interface ChallengeInputsDtypeFieldEvent {
    field: '$.inputs[].dtype'
    value: string
    index: number
  }

  export interface ChallengeInputsDimsFieldEvent {
    field: '$.inputs[].dims[]'
    index: number
    value: number
  }

  export interface ChallengeInputsDataFieldEvent {
    field: '$.inputs[].data'
    value: Uint8Array
    index: number
  }

  export function encode (obj: Partial<Challenge>): Uint8Array {
    return encodeMessage(obj, Challenge.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Challenge>): Challenge {
    return decodeMessage(buf, Challenge.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Challenge>): Generator<ChallengeNetuidFieldEvent | ChallengeTaskIdFieldEvent | ChallengeChallengeIdFieldEvent | ChallengeNonceFieldEvent | ChallengeDeadlineMsFieldEvent | ChallengeMinerFieldEvent | ChallengeInputsNameFieldEvent | ChallengeInputsDtypeFieldEvent | ChallengeInputsDimsFieldEvent | ChallengeInputsDataFieldEvent> {
    return streamMessage(buf, Challenge.codec(), opts)
  }
}

export interface Answer {
  challengeId: number
  nonce: Uint8Array
  miner: Uint8Array
  outputs: Tensor[]
  inferenceMs: number
  provider: string
  error: string
}

export namespace Answer {
  let _codec: Codec<Answer>

  export const codec = (): Codec<Answer> => {
    if (_codec == null) {
      _codec = message<Answer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.challengeId != null && obj.challengeId !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.challengeId)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.nonce)
        }

        if ((obj.miner != null && obj.miner.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.miner)
        }

        if (obj.outputs != null && obj.outputs.length > 0) {
          for (const value of obj.outputs) {
            w.uint32(34)
            Tensor.codec().encode(value, w)
          }
        }

        if ((obj.inferenceMs != null && obj.inferenceMs !== 0)) {
          w.uint32(41)
          w.double(obj.inferenceMs)
        }

        if ((obj.provider != null && obj.provider !== '')) {
          w.uint32(50)
          w.string(obj.provider)
        }

        if ((obj.error != null && obj.error !== '')) {
          w.uint32(58)
          w.string(obj.error)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          challengeId: 0,
          nonce: uint8ArrayAlloc(0),
          miner: uint8ArrayAlloc(0),
          outputs: [],
          inferenceMs: 0,
          provider: '',
          error: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.challengeId = reader.uint64Number()
              break
            }
            case 2: {
              obj.nonce = reader.bytes()
              break
            }
            case 3: {
              obj.miner = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.outputs != null && obj.outputs.length === opts.limits.outputs) {
                throw new MaxLengthError('Decode error - repeated field "outputs" had too many elements')
              }

              obj.outputs.push(Tensor.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.outputs$
              }))
              break
            }
            case 5: {
              obj.inferenceMs = reader.double()
              break
            }
            case 6: {
              obj.provider = reader.string()
              break
            }
            case 7: {
              obj.error = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          outputs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.challengeId`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.miner`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.outputs != null && obj.outputs === opts.limits.outputs) {
                throw new MaxLengthError('Streaming decode error - repeated field "outputs" had too many elements')
              }

              for (const evt of Tensor.codec().stream(reader, reader.uint32(), `${prefix}.outputs[]`, {
                limits: opts.limits?.outputs$
              })) {
                yield {
                  ...evt,
                  index: obj.outputs
                }
              }

              obj.outputs++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.inferenceMs`,
                value: reader.double()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.provider`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.error`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AnswerChallengeIdFieldEvent {
    field: '$.challengeId'
    value: number
  }

  export interface AnswerNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array
  }

  export interface AnswerMinerFieldEvent {
    field: '$.miner'
    value: Uint8Array
  }

  export interface AnswerOutputsNameFieldEvent {
    field: '$.outputs[].name'
    value: string
    index: number
  }

  export interface AnswerOutputsDtypeFieldEvent {
    field: '$.outputs[].dtype'
    value: string
    index: number
  }

  export interface AnswerOutputsDimsFieldEvent {
    field: '$.outputs[].dims[]'
    index: number
    value: number
  }

  export interface AnswerOutputsDataFieldEvent {
    field: '$.outputs[].data'
    value: Uint8Array
    index: number
  }

  export interface AnswerInferenceMsFieldEvent {
    field: '$.inferenceMs'
    value: number
  }

  export interface AnswerProviderFieldEvent {
    field: '$.provider'
    value: string
  }

  export interface AnswerErrorFieldEvent {
    field: '$.error'
    value: string
  }

  export function encode (obj: Partial<Answer>): Uint8Array {
    return encodeMessage(obj, Answer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Answer>): Answer {
    return decodeMessage(buf, Answer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Answer>): Generator<AnswerChallengeIdFieldEvent | AnswerNonceFieldEvent | AnswerMinerFieldEvent | AnswerOutputsNameFieldEvent | AnswerOutputsDtypeFieldEvent | AnswerOutputsDimsFieldEvent | AnswerOutputsDataFieldEvent | AnswerInferenceMsFieldEvent | AnswerProviderFieldEvent | AnswerErrorFieldEvent> {
    return streamMessage(buf, Answer.codec(), opts)
  }
}

export interface WeightVector {
  netuid: number
  validator: Uint8Array
  uids: number[]
  weights: number[]
  versionKey: number
  block: number
}

export namespace WeightVector {
  let _codec: Codec<WeightVector>

  export const codec = (): Codec<WeightVector> => {
    if (_codec == null) {
      _codec = message<WeightVector>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.netuid != null && obj.netuid !== 0)) {
          w.uint32(8)
          w.uint32(obj.netuid)
        }

        if ((obj.validator != null && obj.validator.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.validator)
        }

        if (obj.uids != null && obj.uids.length > 0) {
          for (const value of obj.uids) {
            w.uint32(24)
            w.uint32(value)
          }
        }

        if (obj.weights != null && obj.weights.length > 0) {
          for (const value of obj.weights) {
            w.uint32(32)
            w.uint32(value)
          }
        }

        if ((obj.versionKey != null && obj.versionKey !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.versionKey)
        }

        if ((obj.block != null && obj.block !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.block)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          netuid: 0,
          validator: uint8ArrayAlloc(0),
          uids: [],
          weights: [],
          versionKey: 0,
          block: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.netuid = reader.uint32()
              break
            }
            case 2: {
              obj.validator = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.uids != null && obj.uids.length === opts.limits.uids) {
                throw new MaxLengthError('Decode error - repeated field "uids" had too many elements')
              }

              obj.uids.push(reader.uint32())
              break
            }
            case 4: {
              if (opts.limits?.weights != null && obj.weights.length === opts.limits.weights) {
                throw new MaxLengthError('Decode error - repeated field "weights" had too many elements')
              }

              obj.weights.push(reader.uint32())
              break
            }
            case 5: {
              obj.versionKey = reader.uint64Number()
              break
            }
            case 6: {
              obj.block = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          uids: 0,
          weights: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.netuid`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.validator`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.uids != null && obj.uids === opts.limits.uids) {
                throw new MaxLengthError('Streaming decode error - repeated field "uids" had too many elements')
              }

              yield {
                field: `${prefix}.uids[]`,
                index: obj.uids,
                value: reader.uint32()
              }

              obj.uids++

              break
            }
            case 4: {
              if (opts.limits?.weights != null && obj.weights === opts.limits.weights) {
                throw new MaxLengthError('Streaming decode error - repeated field "weights" had too many elements')
              }

              yield {
                field: `${prefix}.weights[]`,
                index: obj.weights,
                value: reader.uint32()
              }

              obj.weights++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.versionKey`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.block`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface WeightVectorNetuidFieldEvent {
    field: '$.netuid'
    value: number
  }

  export interface WeightVectorValidatorFieldEvent {
    field: '$.validator'
    value: Uint8Array
  }

  export interface WeightVectorUidsFieldEvent {
    field: '$.uids[]'
    index: number
    value: number
  }

  export interface WeightVectorWeightsFieldEvent {
    field: '$.weights[]'
    index: number
    value: number
  }

  export interface WeightVectorVersionKeyFieldEvent {
    field: '$.versionKey'
    value: number
  }

  export interface WeightVectorBlockFieldEvent {
    field: '$.block'
    value: number
  }

  export function encode (obj: Partial<WeightVector>): Uint8Array {
    return encodeMessage(obj, WeightVector.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WeightVector>): WeightVector {
    return decodeMessage(buf, WeightVector.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WeightVector>): Generator<WeightVectorNetuidFieldEvent | WeightVectorValidatorFieldEvent | WeightVectorUidsFieldEvent | WeightVectorWeightsFieldEvent | WeightVectorVersionKeyFieldEvent | WeightVectorBlockFieldEvent> {
    return streamMessage(buf, WeightVector.codec(), opts)
  }
}

export interface EpochResult {
  netuid: number
  block: number
  source: string
  incentive: number[]
  dividends: number[]
  consensus: number[]
}

export namespace EpochResult {
  let _codec: Codec<EpochResult>

  export const codec = (): Codec<EpochResult> => {
    if (_codec == null) {
      _codec = message<EpochResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.netuid != null && obj.netuid !== 0)) {
          w.uint32(8)
          w.uint32(obj.netuid)
        }

        if ((obj.block != null && obj.block !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.block)
        }

        if ((obj.source != null && obj.source !== '')) {
          w.uint32(26)
          w.string(obj.source)
        }

        if (obj.incentive != null && obj.incentive.length > 0) {
          for (const value of obj.incentive) {
            w.uint32(32)
            w.uint32(value)
          }
        }

        if (obj.dividends != null && obj.dividends.length > 0) {
          for (const value of obj.dividends) {
            w.uint32(40)
            w.uint32(value)
          }
        }

        if (obj.consensus != null && obj.consensus.length > 0) {
          for (const value of obj.consensus) {
            w.uint32(48)
            w.uint32(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          netuid: 0,
          block: 0,
          source: '',
          incentive: [],
          dividends: [],
          consensus: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.netuid = reader.uint32()
              break
            }
            case 2: {
              obj.block = reader.uint64Number()
              break
            }
            case 3: {
              obj.source = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.incentive != null && obj.incentive.length === opts.limits.incentive) {
                throw new MaxLengthError('Decode error - repeated field "incentive" had too many elements')
              }

              obj.incentive.push(reader.uint32())
              break
            }
            case 5: {
              if (opts.limits?.dividends != null && obj.dividends.length === opts.limits.dividends) {
                throw new MaxLengthError('Decode error - repeated field "dividends" had too many elements')
              }

              obj.dividends.push(reader.uint32())
              break
            }
            case 6: {
              if (opts.limits?.consensus != null && obj.consensus.length === opts.limits.consensus) {
                throw new MaxLengthError('Decode error - repeated field "consensus" had too many elements')
              }

              obj.consensus.push(reader.uint32())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          incentive: 0,
          dividends: 0,
          consensus: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.netuid`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.block`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.source`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.incentive != null && obj.incentive === opts.limits.incentive) {
                throw new MaxLengthError('Streaming decode error - repeated field "incentive" had too many elements')
              }

              yield {
                field: `${prefix}.incentive[]`,
                index: obj.incentive,
                value: reader.uint32()
              }

              obj.incentive++

              break
            }
            case 5: {
              if (opts.limits?.dividends != null && obj.dividends === opts.limits.dividends) {
                throw new MaxLengthError('Streaming decode error - repeated field "dividends" had too many elements')
              }

              yield {
                field: `${prefix}.dividends[]`,
                index: obj.dividends,
                value: reader.uint32()
              }

              obj.dividends++

              break
            }
            case 6: {
              if (opts.limits?.consensus != null && obj.consensus === opts.limits.consensus) {
                throw new MaxLengthError('Streaming decode error - repeated field "consensus" had too many elements')
              }

              yield {
                field: `${prefix}.consensus[]`,
                index: obj.consensus,
                value: reader.uint32()
              }

              obj.consensus++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EpochResultNetuidFieldEvent {
    field: '$.netuid'
    value: number
  }

  export interface EpochResultBlockFieldEvent {
    field: '$.block'
    value: number
  }

  export interface EpochResultSourceFieldEvent {
    field: '$.source'
    value: string
  }

  export interface EpochResultIncentiveFieldEvent {
    field: '$.incentive[]'
    index: number
    value: number
  }

  export interface EpochResultDividendsFieldEvent {
    field: '$.dividends[]'
    index: number
    value: number
  }

  export interface EpochResultConsensusFieldEvent {
    field: '$.consensus[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<EpochResult>): Uint8Array {
    return encodeMessage(obj, EpochResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EpochResult>): EpochResult {
    return decodeMessage(buf, EpochResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EpochResult>): Generator<EpochResultNetuidFieldEvent | EpochResultBlockFieldEvent | EpochResultSourceFieldEvent | EpochResultIncentiveFieldEvent | EpochResultDividendsFieldEvent | EpochResultConsensusFieldEvent> {
    return streamMessage(buf, EpochResult.codec(), opts)
  }
}
