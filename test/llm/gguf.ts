/**
 * Writes a tiny but valid GGUF (v3) file: a llama-architecture model with random weights and a character-level
 * SentencePiece vocabulary, so that real llama.cpp loads it and really runs inference on it.
 *
 * No trained model can be downloaded where TOE's tests run; a model that produces gibberish is enough to drive the
 * whole RCA path, because the answer's shape comes from a JSON-schema grammar, not from the weights.
 * Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md (little-endian throughout).
 */
import { writeFileSync } from 'node:fs';

const ALIGNMENT = 32;
const GGML_TYPE_F32 = 0;

/** GGUF metadata value types (gguf.md "gguf_metadata_value_type"). */
const enum ValueType {
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
}

/** llama.cpp token types (llama_token_type). */
const enum TokenType {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  Byte = 6,
}

type Value =
  | { type: ValueType.Uint32 | ValueType.Int32 | ValueType.Float32; value: number }
  | { type: ValueType.Bool; value: boolean }
  | { type: ValueType.String; value: string }
  | { type: ValueType.Array; of: ValueType.String; value: string[] }
  | { type: ValueType.Array; of: ValueType.Float32 | ValueType.Int32; value: number[] };

interface Tensor {
  name: string;
  /** ggml order: ne[0] is the fastest-moving dimension (a row's length). */
  dims: number[];
  data: Float32Array;
}

export interface TinyModelOptions {
  seed?: number;
  embedding?: number;
  layers?: number;
  heads?: number;
  feedForward?: number;
  contextLength?: number;
}

/** The vocabulary: control tokens, every printable ASCII character, the SentencePiece space, and all 256 bytes. */
export function tinyVocabulary(): { tokens: string[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TokenType.Unknown, TokenType.Control, TokenType.Control];
  tokens.push('\u2581');
  types.push(TokenType.Normal);
  for (let c = 0x21; c <= 0x7e; c++) {
    tokens.push(String.fromCharCode(c));
    types.push(TokenType.Normal);
  }
  // Byte fallback makes every string encodable (newlines, non-ASCII) without a trained merge table.
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TokenType.Byte);
  }
  return { tokens, types };
}

/** A small deterministic PRNG (mulberry32) so the same seed writes the same file. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tensors(o: Required<TinyModelOptions>, vocab: number): Tensor[] {
  const next = random(o.seed);
  const filled = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const e = o.embedding;
  const out: Tensor[] = [
    { name: 'token_embd.weight', dims: [e, vocab], data: filled(e * vocab, 1) },
    { name: 'output_norm.weight', dims: [e], data: ones(e) },
    { name: 'output.weight', dims: [e, vocab], data: filled(e * vocab, 0.5) },
  ];
  for (let i = 0; i < o.layers; i++) {
    const w = (name: string, rows: number, cols: number): Tensor => ({
      name: `blk.${i}.${name}.weight`,
      dims: [rows, cols],
      data: filled(rows * cols, 1 / Math.sqrt(rows)),
    });
    out.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [e], data: ones(e) },
      w('attn_q', e, e),
      w('attn_k', e, e),
      w('attn_v', e, e),
      w('attn_output', e, e),
      { name: `blk.${i}.ffn_norm.weight`, dims: [e], data: ones(e) },
      w('ffn_gate', e, o.feedForward),
      w('ffn_up', e, o.feedForward),
      w('ffn_down', o.feedForward, e),
    );
  }
  return out;
}

function metadata(o: Required<TinyModelOptions>): [string, Value][] {
  const { tokens, types } = tinyVocabulary();
  const u32 = (value: number): Value => ({ type: ValueType.Uint32, value });
  return [
    ['general.architecture', { type: ValueType.String, value: 'llama' }],
    ['general.name', { type: ValueType.String, value: 'toe-tiny-random' }],
    ['general.alignment', u32(ALIGNMENT)],
    ['llama.context_length', u32(o.contextLength)],
    ['llama.embedding_length', u32(o.embedding)],
    ['llama.block_count', u32(o.layers)],
    ['llama.feed_forward_length', u32(o.feedForward)],
    ['llama.attention.head_count', u32(o.heads)],
    ['llama.attention.head_count_kv', u32(o.heads)],
    ['llama.rope.dimension_count', u32(o.embedding / o.heads)],
    ['llama.attention.layer_norm_rms_epsilon', { type: ValueType.Float32, value: 1e-5 }],
    ['llama.vocab_size', u32(tokens.length)],
    ['tokenizer.ggml.model', { type: ValueType.String, value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: ValueType.Array, of: ValueType.String, value: tokens }],
    ['tokenizer.ggml.scores', { type: ValueType.Array, of: ValueType.Float32, value: tokens.map(() => 0) }],
    ['tokenizer.ggml.token_type', { type: ValueType.Array, of: ValueType.Int32, value: types }],
    ['tokenizer.ggml.unknown_token_id', u32(0)],
    ['tokenizer.ggml.bos_token_id', u32(1)],
    ['tokenizer.ggml.eos_token_id', u32(2)],
    ['tokenizer.ggml.add_bos_token', { type: ValueType.Bool, value: true }],
    ['tokenizer.ggml.add_eos_token', { type: ValueType.Bool, value: false }],
  ];
}

/** Accumulates little-endian binary pieces. */
class Writer {
  private readonly parts: Buffer[] = [];
  length = 0;

  private push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  i32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  bytes(b: Buffer): void {
    this.push(b);
  }
  pad(): void {
    const rest = this.length % ALIGNMENT;
    if (rest !== 0) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function writeValue(w: Writer, v: Value): void {
  w.u32(v.type);
  switch (v.type) {
    case ValueType.Uint32:
      return w.u32(v.value);
    case ValueType.Int32:
      return w.i32(v.value);
    case ValueType.Float32:
      return w.f32(v.value);
    case ValueType.Bool:
      return w.bytes(Buffer.from([v.value ? 1 : 0]));
    case ValueType.String:
      return w.string(v.value);
    case ValueType.Array:
      w.u32(v.of);
      w.u64(v.value.length);
      for (const item of v.value) {
        if (typeof item === 'string') w.string(item);
        else if (v.of === ValueType.Float32) w.f32(item);
        else w.i32(item);
      }
  }
}

/** The bytes of a tiny random llama GGUF model. */
export function tinyLlamaGguf(options: TinyModelOptions = {}): Buffer {
  const o: Required<TinyModelOptions> = {
    seed: 1,
    embedding: 64,
    layers: 2,
    heads: 4,
    feedForward: 128,
    contextLength: 32768,
    ...options,
  };
  const meta = metadata(o);
  const all = tensors(o, tinyVocabulary().tokens.length);
  const w = new Writer();
  w.bytes(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(all.length);
  w.u64(meta.length);
  for (const [key, value] of meta) {
    w.string(key);
    writeValue(w, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of all) {
    offsets.push(offset);
    offset += Math.ceil(t.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  all.forEach((t, i) => {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPE_F32);
    w.u64(offsets[i] as number);
  });
  w.pad();
  for (const t of all) {
    w.bytes(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad();
  }
  return w.toBuffer();
}

/** Writes the model to `path` and returns the path. */
export function writeTinyLlamaGguf(path: string, options: TinyModelOptions = {}): string {
  writeFileSync(path, tinyLlamaGguf(options));
  return path;
}
