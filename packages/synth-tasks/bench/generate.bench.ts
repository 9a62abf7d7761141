import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import type { BenchContext, BenchReport } from '../../../bench/harness.js';
import { toJsonl } from '../src/jsonl.js';
import { prosqaStats } from '../src/prosqa/stats.js';
import { TASK_NAMES, TASKS, type TaskRecord } from '../src/tasks.js';

// Generation throughput per task (how long a dataset of a given size takes), and the ProsQA statistics of
// the default size next to the paper's, on the same fresh sample.
export default async function generateBench({ quick, log }: BenchContext): Promise<BenchReport> {
  const count = quick ? 300 : 3000;
  const tokenizer = new Tiktoken(gpt2);
  const rows: BenchReport['rows'] = [];
  let prosqaNote = '';
  for (const task of TASK_NAMES) {
    const options = { seed: 'bench', count, ...(task === 'induction' && { tokenizer }) };
    const start = performance.now();
    const records: TaskRecord[] = [...TASKS[task].records(options)];
    const seconds = (performance.now() - start) / 1000;
    const bytes = Buffer.byteLength(toJsonl(records));
    rows.push({
      task,
      records: count,
      recordsPerSecond: Math.round(count / seconds),
      jsonlMBPerSecond: Number((bytes / 1e6 / seconds).toFixed(2)),
      meanRecordBytes: Math.round(bytes / count),
    });
    log(`${task}: ${Math.round(count / seconds)} records/s`);
    if (task === 'prosqa') {
      const stats = prosqaStats(records as Extract<TaskRecord, { task: 'prosqa' }>[]);
      prosqaNote =
        `ProsQA statistics of these ${count} graphs (paper: 23.0 nodes, 36.0 edges, shortest path 3.8, ` +
        '1.6 shortest paths; released test + valid files: 22.8, 36.0, 3.77, 1.59): ' +
        `${stats.meanNodes.toFixed(1)} nodes, ${stats.meanEdges.toFixed(1)} edges, ` +
        `shortest path ${stats.meanShortestPath.toFixed(2)}, ${stats.meanShortestPaths.toFixed(2)} shortest paths.`;
    }
  }
  return {
    title: 'synth-tasks generation throughput (single thread)',
    rows,
    notes: [
      'induction checks candidate names with the GPT-2 BPE from js-tiktoken.',
      'Every generator also draws and discards the questions that hash into the test split (10% by default).',
      prosqaNote,
    ],
  };
}
