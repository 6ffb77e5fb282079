/**
 * A real local inference engine behind an Ollama-compatible HTTP endpoint, for tests: llama.cpp (through
 * node-llama-cpp's prebuilt binaries, no download) runs a model file, by default the tiny random llama model
 * gguf.ts writes, and the real `ollama` client talks to it over real HTTP.
 *
 * It implements what the ollama JS client calls for TOE's use: `POST /api/chat` and `POST /api/generate` (non-
 * streamed, or streamed as NDJSON), `GET /api/tags`, `POST /api/show`, `GET /api/version`. `format` may be "json"
 * or a JSON Schema; either becomes a grammar, so even random weights answer in the requested shape.
 *
 * Run it by hand: `node --import tsx test/llm/server.ts [model.gguf]` prints the URL to give spec.analysis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  getLlama,
  LlamaCompletion,
  LlamaLogLevel,
  TokenBias,
  type Llama,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { tinyVocabulary, writeTinyLlamaGguf } from './gguf.ts';
import { toGbnfSchema, UnsupportedSchema } from './json-schema.ts';

export const TINY_MODEL = 'toe-tiny';

export interface LlmServerOptions {
  /** A GGUF file; by default a tiny random model is generated into a temporary directory. */
  modelPath?: string;
  modelName?: string;
  /**
   * llama.cpp threads. One by default: on a 2-core machine shared with other work, two threads spin-wait on each
   * other and ran ~80× slower per token (measured: 1.5 ms vs 120 ms per token for the tiny model).
   */
  threads?: number;
  /** The most tokens one answer may have when the request sets no num_predict. */
  maxAnswerTokens?: number;
}

export interface LlmServer {
  url: string;
  model: string;
  /** Every request received, in order (path and parsed body). */
  requests: { path: string; body: unknown }[];
  close(): Promise<void>;
}

interface Message {
  role?: string;
  content?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new HttpError(400, `invalid JSON body: ${(err as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Chat messages as one completion prompt; the tiny model has no chat template, and Ollama's would apply here. */
function chatPrompt(messages: Message[]): string {
  return `${messages.map((m) => `${m.role ?? 'user'}: ${m.content ?? ''}`).join('\n')}\nassistant: `;
}

export async function startLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const modelName = options.modelName ?? TINY_MODEL;
  const tempDir = options.modelPath ? undefined : mkdtempSync(join(tmpdir(), 'toe-llm-'));
  const modelPath = options.modelPath ?? writeTinyLlamaGguf(join(tempDir as string, 'tiny.gguf'));
  const llama: Llama = await getLlama({
    gpu: false,
    build: 'never',
    skipDownload: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.error,
  });
  const model: LlamaModel = await llama.loadModel({ modelPath });
  const threads = options.threads ?? 1;
  const maxAnswer = options.maxAnswerTokens ?? 8192;
  // Random weights pick byte tokens freely; bytes ≥ 0x80 would form broken UTF-8, so the tiny model answers in ASCII.
  let bias: TokenBias | undefined;
  if (!options.modelPath) {
    bias = new TokenBias(model.tokenizer);
    tinyVocabulary().tokens.forEach((t, id) => {
      if (/^<0x[89A-F][0-9A-F]>$/.test(t)) bias?.set(id as Token, 'never');
    });
  }
  const requests: LlmServer['requests'] = [];
  let queue: Promise<unknown> = Promise.resolve();

  async function grammarFor(format: unknown): Promise<LlamaGrammar | undefined> {
    if (format === undefined || format === null || format === '') return undefined;
    if (format === 'json') return llama.getGrammarFor('json');
    try {
      // The generic parameter wants a literal schema type; this one is only known at run time.
      return await llama.createGrammarForJsonSchema(toGbnfSchema(format) as never);
    } catch (err) {
      if (err instanceof UnsupportedSchema) throw new HttpError(400, `format: ${err.message}`);
      throw err;
    }
  }

  async function complete(prompt: string, body: Record<string, unknown>, signal: AbortSignal, onChunk?: (text: string) => void) {
    const opts = (body.options ?? {}) as Record<string, unknown>;
    const grammar = await grammarFor(body.format);
    const promptTokens = model.tokenize(prompt).length;
    const numPredict = typeof opts.num_predict === 'number' && opts.num_predict > 0 ? opts.num_predict : maxAnswer;
    const contextSize = Math.min(model.trainContextSize, promptTokens + numPredict + 16);
    if (promptTokens + 16 >= model.trainContextSize)
      throw new HttpError(400, `the prompt has ${promptTokens} tokens; the model holds ${model.trainContextSize}`);
    const context = await model.createContext({ contextSize, threads });
    try {
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const started = process.hrtime.bigint();
      let evalCount = 0;
      const meta = await completion.generateCompletionWithMeta(prompt, {
        grammar,
        maxTokens: Math.min(numPredict, contextSize - promptTokens - 1),
        temperature: typeof opts.temperature === 'number' ? opts.temperature : 0.8,
        seed: typeof opts.seed === 'number' ? opts.seed : undefined,
        tokenBias: bias,
        signal,
        onToken: (tokens) => {
          evalCount += tokens.length;
        },
        onTextChunk: onChunk,
      });
      const text = grammar ? meta.response.trim() : meta.response;
      return {
        text,
        doneReason: meta.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
        promptTokens,
        evalCount,
        durationNs: Number(process.hrtime.bigint() - started),
      };
    } finally {
      await context.dispose();
    }
  }

  async function generateRoute(kind: 'chat' | 'generate', body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) {
    const name = String(body.model ?? '');
    if (name !== modelName && name !== `${modelName}:latest`) throw new HttpError(404, `model "${name}" not found, try pulling it first`);
    const prompt =
      kind === 'chat'
        ? chatPrompt(Array.isArray(body.messages) ? (body.messages as Message[]) : [])
        : `${typeof body.system === 'string' ? `system: ${body.system}\n` : ''}${String(body.prompt ?? '')}`;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const stream = body.stream !== false;
    const shape = (text: string, done: boolean) =>
      kind === 'chat'
        ? { model: name, created_at: new Date().toISOString(), message: { role: 'assistant', content: text }, done }
        : { model: name, created_at: new Date().toISOString(), response: text, done };
    if (stream) res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    // One generation at a time, as a single Ollama runner does.
    const run = queue.then(() =>
      complete(prompt, body, abort.signal, stream ? (chunk) => res.write(`${JSON.stringify(shape(chunk, false))}\n`) : undefined),
    );
    queue = run.catch(() => undefined);
    const out = await run;
    const final = {
      ...shape(stream ? '' : out.text, true),
      done_reason: out.doneReason,
      total_duration: out.durationNs,
      prompt_eval_count: out.promptTokens,
      eval_count: out.evalCount,
    };
    if (stream) res.end(`${JSON.stringify(final)}\n`);
    else send(res, 200, final);
    void req;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] as string;
      try {
        if (req.method === 'GET' && path === '/') return void res.end('Ollama is running');
        if (req.method === 'GET' && path === '/api/version') return send(res, 200, { version: '0.0.0-toe-test' });
        if (req.method === 'GET' && path === '/api/tags') {
          return send(res, 200, {
            models: [
              {
                name: `${modelName}:latest`,
                model: `${modelName}:latest`,
                modified_at: new Date(0).toISOString(),
                size: 0,
                digest: '',
                details: { format: 'gguf', family: 'llama' },
              },
            ],
          });
        }
        if (req.method !== 'POST') throw new HttpError(404, 'not found');
        const body = await readJson(req);
        requests.push({ path, body });
        if (path === '/api/show')
          return send(res, 200, {
            modelfile: '',
            parameters: '',
            template: '{{ .Prompt }}',
            details: { format: 'gguf', family: 'llama' },
            model_info: { 'general.architecture': 'llama' },
          });
        if (path === '/api/chat') return await generateRoute('chat', body, req, res);
        if (path === '/api/generate') return await generateRoute('generate', body, req, res);
        throw new HttpError(404, 'not found');
      } catch (err) {
        if (res.headersSent) return void res.destroy();
        const status = err instanceof HttpError ? err.status : 500;
        send(res, status, { error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    model: modelName,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      await model.dispose();
      await llama.dispose();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startLlmServer({ modelPath: process.argv[2] });
  console.log(`${server.url} model=${server.model}`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
