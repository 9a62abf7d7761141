// Writes GPT-2's vocab.json, merges.txt and tokenizer.json (rebuilt from js-tiktoken's ranks) to a folder.
// Usage: pnpm --filter @beyond-ntp/tokenizer gpt2-files <out-dir>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpt2Files } from './gpt2-reference.js';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: make-gpt2-files <out-dir>');
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
const files = gpt2Files();
writeFileSync(join(outDir, 'vocab.json'), files.vocabJson);
writeFileSync(join(outDir, 'merges.txt'), files.mergesTxt);
writeFileSync(join(outDir, 'tokenizer.json'), files.tokenizerJson);
console.log(`wrote vocab.json, merges.txt, tokenizer.json to ${outDir}`);
