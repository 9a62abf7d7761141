// Prints the ProsQA statistics table of the package README: released files next to generated datasets.
// Usage (from the package folder):
//   pnpm prosqa-stats --released <coconut>/data/prosqa_test.json --released <coconut>/data/prosqa_valid.json \
//     [--count 4000] [--seed prosqa-stats] [--generate '{}'] [--generate '{"construction":"pruned"}']
// Each --generate adds a column generated with those generateProsQA options (default: one column, defaults).
import { parseArgs } from 'node:util';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { generateProsQA } from '../src/prosqa/generate.js';
import type { ProsQARecord } from '../src/prosqa/record.js';
import { readReleasedProsQA } from '../src/prosqa/released-file.js';
import { type ProsQAStats, prosqaStats } from '../src/prosqa/stats.js';

const { values } = parseArgs({
  options: {
    released: { type: 'string', multiple: true, default: [] },
    generate: { type: 'string', multiple: true, default: ['{}'] },
    count: { type: 'string', default: '4000' },
    seed: { type: 'string', default: 'prosqa-stats' },
  },
});

const tokenizer = new Tiktoken(gpt2);
const columns: { title: string; records: ProsQARecord[] }[] = [];
if (values.released.length) {
  const released = (await Promise.all(values.released.map((file) => readReleasedProsQA({ file })))).flat();
  columns.push({ title: `released (${released.length})`, records: released });
}
for (const json of values.generate) {
  const options = JSON.parse(json);
  const records = generateProsQA({ seed: values.seed, count: Number(values.count), ...options });
  columns.push({ title: `generated ${json === '{}' ? 'defaults' : json} (${records.length})`, records });
}

const fixed = (digits: number) => (x: number) => x.toFixed(digits);
const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
type Row = [label: string, cell: (s: ProsQAStats, records: ProsQARecord[]) => string];
const rows: Row[] = [
  [
    'steps 3 / 4 / 5 / 6 (%)',
    (s) => [3, 4, 5, 6].map((k) => ((100 * (s.steps[k] ?? 0)) / s.count).toFixed(1)).join(' / '),
  ],
  ['other step counts', (s) => String(s.count - [3, 4, 5, 6].reduce((n, k) => n + (s.steps[k] ?? 0), 0))],
  ['mean shortest path', (s) => fixed(2)(s.meanShortestPath)],
  ['shortest paths per question', (s) => fixed(2)(s.meanShortestPaths)],
  ['nodes / edges per graph', (s) => `${fixed(1)(s.meanNodes)} / ${fixed(1)(s.meanEdges)}`],
  ['persons per graph', (s) => fixed(2)(s.meanPersons)],
  ['nodes linked to neither start node', (s) => fixed(2)(s.meanUnlinked)],
  ['nodes linked to both start nodes', (s) => fixed(2)(s.meanShared)],
  ['leaves per graph', (s) => fixed(2)(s.meanLeaves)],
  ['children per non-leaf node', (s) => fixed(2)(s.meanOutDegree)],
  ['children per extra person', (s) => fixed(2)(s.meanExtraPersonChildren)],
  ['negative option: distance from its start node', (s) => fixed(2)(s.meanNegTargetDistance)],
  ['target named first', (s) => percent(s.targetFirst)],
  ['question words', (s) => fixed(1)(s.meanQuestionWords)],
  [
    'question GPT-2 tokens',
    (_, records) =>
      fixed(1)(records.reduce((n, r) => n + tokenizer.encode(r.question).length, 0) / records.length),
  ],
  [
    'distinct concept words (by ending)',
    (s) =>
      `${s.distinctConcepts} (${Object.entries(s.conceptEndings)
        .map(([end, n]) => `${n} -${end}`)
        .join(', ')})`,
  ],
  ['distinct person names', (s) => String(s.distinctPersons)],
];

const stats = columns.map((c) => prosqaStats(c.records));
const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
console.log(line(['', ...columns.map((c) => c.title)]));
console.log(line(['---', ...columns.map(() => '---')]));
for (const [label, cell] of rows) {
  console.log(line([label, ...columns.map((c, i) => cell(stats[i] as ProsQAStats, c.records))]));
}
