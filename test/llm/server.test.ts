/** The test endpoint speaks enough Ollama for the real client, and the model under it is a real GGUF. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readGgufFileInfo } from 'node-llama-cpp';
import { Ollama } from 'ollama';
import { tinyLlamaGguf, tinyVocabulary, writeTinyLlamaGguf } from './gguf.ts';
import { startLlmServer, type LlmServer } from './server.ts';

describe('tiny GGUF', () => {
  it("is a GGUF v3 llama model that node-llama-cpp's own reader accepts", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toe-gguf-'));
    try {
      const info = await readGgufFileInfo(writeTinyLlamaGguf(join(dir, 'm.gguf')));
      assert.equal(info.version, 3);
      assert.equal(info.metadata.general.architecture, 'llama');
      assert.equal(info.tensorCount, 3 + 2 * 9);
      assert.equal(info.metadata.tokenizer.ggml.tokens.length, tinyVocabulary().tokens.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the same bytes for the same seed, other bytes for another', () => {
    assert.ok(tinyLlamaGguf({ seed: 3 }).equals(tinyLlamaGguf({ seed: 3 })));
    assert.ok(!tinyLlamaGguf({ seed: 3 }).equals(tinyLlamaGguf({ seed: 4 })));
  });
});

describe('Ollama-compatible test endpoint', () => {
  let llm: LlmServer;
  let client: Ollama;
  before(async () => {
    llm = await startLlmServer();
    client = new Ollama({ host: llm.url });
  });
  after(async () => {
    await llm.close();
  });

  it('lists its model and describes it', async () => {
    const tags = await client.list();
    assert.deepEqual(
      tags.models.map((m) => m.name),
      ['toe-tiny:latest'],
    );
    const show = await client.show({ model: 'toe-tiny' });
    assert.equal(show.details.family, 'llama');
  });

  it('generates JSON under format "json"', async () => {
    const reply = await client.generate({
      model: 'toe-tiny',
      prompt: 'Say something as JSON.',
      format: 'json',
      stream: false,
      options: { seed: 1, num_predict: 400 },
    });
    assert.equal(reply.done, true);
    const text = reply.response ?? '';
    assert.match(text, /^\s*\{/);
    // Random weights may run out of tokens inside a deep value; a finished answer must parse.
    if (reply.done_reason === 'stop') assert.doesNotThrow(() => JSON.parse(text) as unknown);
    assert.ok(reply.eval_count > 0);
  });

  it('streams a chat answer whose chunks add up to schema-shaped JSON', async () => {
    const format = {
      type: 'object',
      properties: { word: { type: 'string', maxLength: 8 }, n: { type: 'integer', minimum: 1, maximum: 3 } },
      required: ['word', 'n'],
    };
    const stream = await client.chat({
      model: 'toe-tiny',
      messages: [{ role: 'user', content: 'hi' }],
      format,
      stream: true,
      options: { seed: 2 },
    });
    let text = '';
    let chunks = 0;
    for await (const part of stream) {
      text += part.message.content;
      chunks += 1;
    }
    assert.ok(chunks > 2);
    const value = JSON.parse(text) as { word: string; n: number };
    assert.ok(typeof value.word === 'string' && value.word.length <= 8);
    assert.ok([1, 2, 3].includes(value.n));
  });

  it('answers 400 to a schema it cannot turn into a grammar', async () => {
    await assert.rejects(
      client.chat({ model: 'toe-tiny', messages: [{ role: 'user', content: 'hi' }], format: { type: 'tuple' }, stream: false }),
      /400|not supported/,
    );
  });
});
