/**
 * A small ONNX graph builder over onnx-proto (protobufjs). Encoding is deterministic: the same
 * graph gives the same bytes (no timestamps, fixed field order, little-endian raw tensors).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const OPSET = 13;
const IR_VERSION = 8;

type Attr = number | number[] | string;

export interface ValueInfo {
  name: string;
  /** Numbers are fixed, strings are named free dims (e.g. 'batch'). */
  shape: (number | string)[];
}

export class GraphBuilder {
  private readonly nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  private readonly initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  /** A float32 initializer; returns its name. */
  floats(prefix: string, dims: number[], values: ArrayLike<number>): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new Error(`${prefix}: ${values.length} values for dims [${dims}]`);
    const raw = new Uint8Array(count * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < count; i++) view.setFloat32(i * 4, values[i], true);
    const name = this.fresh(prefix);
    this.initializers.push(onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw }));
    return name;
  }

  /** Adds a node; returns the name of its (single) output. */
  node(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, outputName?: string): string {
    const output = outputName ?? this.fresh(opType.toLowerCase());
    if (outputName) this.names.add(outputName);
    const attribute = Object.keys(attrs)
      .sort()
      .map((key) => {
        const v = attrs[key];
        const A = onnx.AttributeProto.AttributeType;
        if (typeof v === 'string') return onnx.AttributeProto.create({ name: key, type: A.STRING, s: new TextEncoder().encode(v) });
        if (Array.isArray(v)) return onnx.AttributeProto.create({ name: key, type: A.INTS, ints: v });
        if (Number.isInteger(v)) return onnx.AttributeProto.create({ name: key, type: A.INT, i: v });
        return onnx.AttributeProto.create({ name: key, type: A.FLOAT, f: v });
      });
    this.nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: [output], name: output, attribute }));
    return output;
  }

  /** The encoded model. */
  encode(options: { graphName: string; input: ValueInfo; output: ValueInfo; docString: string; metadata: Record<string, string> }): Uint8Array {
    const valueInfo = (v: ValueInfo) =>
      onnx.ValueInfoProto.create({
        name: v.name,
        type: onnx.TypeProto.create({
          tensorType: onnx.TypeProto.Tensor.create({
            elemType: onnx.TensorProto.DataType.FLOAT,
            shape: onnx.TensorShapeProto.create({
              dim: v.shape.map((d) => (typeof d === 'string' ? onnx.TensorShapeProto.Dimension.create({ dimParam: d }) : onnx.TensorShapeProto.Dimension.create({ dimValue: d }))),
            }),
          }),
        }),
      });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
      producerName: 'webtensor/scripts/make-models.ts',
      producerVersion: '1',
      docString: options.docString,
      metadataProps: Object.keys(options.metadata)
        .sort()
        .map((key) => onnx.StringStringEntryProto.create({ key, value: options.metadata[key] })),
      graph: onnx.GraphProto.create({
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(options.input)],
        output: [valueInfo(options.output)],
      }),
    });
    // A plain Uint8Array copy (protobufjs hands out a Node Buffer when it can).
    return new Uint8Array(onnx.ModelProto.encode(model).finish());
  }
}
