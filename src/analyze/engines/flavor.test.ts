import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition } from '../../core/exposition/index.js';
import { detectFlavor } from './flavor.js';
import { fixture } from './scrapes.test.js';

const families = (file: string): string[] => parseExposition(fixture(file)).map((f) => f.name);

describe('detectFlavor', () => {
  it('tells each fixture page by its prefixes', () => {
    assert.equal(detectFlavor(families('vllm-0.10-v1-nvcr-25.09-qwen3-4b.metrics.txt')), 'vllm');
    assert.equal(detectFlavor(families('vllm-v1-2026-qwen2.5-0.5b.metrics.txt')), 'vllm');
    assert.equal(detectFlavor(families('sglang-docs-example.metrics.txt')), 'sglang');
    assert.equal(detectFlavor(families('tgi-datadog-fixture-excerpt.metrics.txt')), 'tgi');
    assert.equal(detectFlavor(['llamacpp:prompt_tokens_total', 'llamacpp:requests_processing']), 'llamacpp');
    assert.equal(detectFlavor(['aphrodite:num_requests_running', 'python_info']), 'aphrodite');
  });

  it('goes by the majority and gives undefined for no engine', () => {
    assert.equal(detectFlavor(['vllm:a', 'vllm:b', 'tgi_queue_size']), 'vllm');
    assert.equal(detectFlavor(families('dcgm-exporter-nvidia-l4.metrics.txt')), undefined);
    assert.equal(detectFlavor([]), undefined);
  });
});
