import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateArithmetic } from '../arithmetic/generate.js';
import { SynthTasksError } from '../errors.js';
import { toJsonl } from '../jsonl.js';
import { buildProgram } from './program.js';

async function run(args: string[], progress?: NodeJS.WriteStream) {
  const lines: string[] = [];
  const program = buildProgram({ out: (t) => lines.push(t), progress });
  program.exitOverride();
  for (const command of program.commands) command.exitOverride().configureOutput({ writeErr: () => {} });
  await program.parseAsync(['node', 'synth-tasks', ...args]);
  return lines;
}

describe('synth-tasks CLI', () => {
  it('generate writes the same records as the library; stats summarizes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-cli-'));
    const out = join(dir, 'mul.jsonl');
    const lines = await run([
      'generate',
      'arithmetic',
      '--count',
      '20',
      '--seed',
      '7',
      '--out',
      out,
      '--set',
      'digitsA=3',
    ]);
    expect(lines).toEqual([`wrote 20 arithmetic records to ${out}`]);
    expect(readFileSync(out, 'utf8')).toBe(toJsonl(generateArithmetic({ seed: 7, count: 20, digitsA: 3 })));
    const [stats] = await run(['stats', out]);
    expect(JSON.parse(stats as string)).toMatchObject({ arithmetic: { count: 20, ops: { '*': 20 } } });
  });

  it('loads a tokenizer module for induction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-cli-'));
    const module = join(dir, 'tok.mjs');
    writeFileSync(
      module,
      'export default { encode: (t) => [...t.replace(/ (.)/g, "$1")].map((c) => c.charCodeAt(0)) };\n',
    );
    const out = join(dir, 'stories.jsonl');
    await run(['generate', 'induction', '--count', '3', '--seed', 'x', '--out', out, '--tokenizer', module]);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('reports bad options with the field name, and bad task names', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'synth-cli-')), 'x.jsonl');
    await expect(
      run(['generate', 'arithmetic', '--count', '2', '--seed', '1', '--out', out, '--set', 'digitsA=0']),
    ).rejects.toThrow(/option "digitsA" must be an integer in 1\.\.7/);
    await expect(run(['generate', 'sudoku', '--count', '2', '--seed', '1', '--out', out])).rejects.toThrow(
      /command-argument value 'sudoku' is invalid for argument 'task'/,
    );
    await expect(run(['generate', 'induction', '--count', '2', '--seed', '1', '--out', out])).rejects.toThrow(
      /option "tokenizer" must be an object with an encode\(text\) method/,
    );
  });

  it('every path error names the flag or file, in one line, and leaves no file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-cli-'));
    const generate = (...extra: string[]) =>
      run(['generate', 'arithmetic', '--count', '5', '--seed', '1', ...extra]).catch((e: unknown) => e);
    const cases: Array<[string[], string]> = [
      [
        ['--out', join(dir, 'nodir', 'x.jsonl')],
        `--out ${join(dir, 'nodir', 'x.jsonl')}: the folder ${join(dir, 'nodir')} does not exist`,
      ],
      [['--out', dir], `--out ${dir}: is a folder, not a file`],
      [
        ['--out', join(dir, 'x.jsonl'), '--tokenizer', join(dir, 'missing.mjs')],
        `--tokenizer ${join(dir, 'missing.mjs')}: no such file`,
      ],
    ];
    for (const [args, message] of cases) {
      const error = await generate(...args);
      expect(SynthTasksError.isInstance(error) && error.message).toBe(message);
    }
    writeFileSync(join(dir, 'broken.mjs'), 'export default {;\n');
    const broken = await generate('--out', join(dir, 'x.jsonl'), '--tokenizer', join(dir, 'broken.mjs'));
    expect((broken as Error).message).toMatch(/^--tokenizer .*broken\.mjs: cannot be loaded \([^\n]+\)$/);
    expect(readdirSync(dir)).toEqual(['broken.mjs']);
  });

  it('refuses --set for options that have their own flag instead of silently overriding it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'synth-cli-')), 'x.jsonl');
    for (const [set, flag] of [
      ['split=test', '--split test'],
      ['count=3', '--count 3'],
      ['seed=9', '--seed 9'],
    ]) {
      await expect(
        run(['generate', 'arithmetic', '--count', '5', '--seed', '1', '--out', out, '--set', set as string]),
      ).rejects.toThrow(`--set ${set}: ${set?.split('=')[0]} has a flag of its own; use ${flag}`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('stats refuses an empty file and reads one with a byte order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-cli-'));
    writeFileSync(join(dir, 'empty.jsonl'), '');
    await expect(run(['stats', join(dir, 'empty.jsonl')])).rejects.toThrow(
      `${join(dir, 'empty.jsonl')}: no records`,
    );
    writeFileSync(join(dir, 'bom.jsonl'), `\uFEFF${toJsonl(generateArithmetic({ seed: 1, count: 4 }))}`);
    const [stats] = await run(['stats', join(dir, 'bom.jsonl')]);
    expect(JSON.parse(stats as string)).toMatchObject({ arithmetic: { count: 4 } });
  });

  it('the command exits nonzero with one line on stderr and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-cli-'));
    const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
    const out = join(dir, 'nodir', 'x.jsonl');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', cli, 'generate', 'arithmetic', '--count', '2', '--seed', '1', '--out', out],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `synth-tasks: --out ${out}: the folder ${join(dir, 'nodir')} does not exist\n`,
    );
    expect(result.stdout).toBe('');
  }, 60_000);

  it('draws a progress bar when given a terminal stream', async () => {
    let drawn = '';
    const terminal = {
      isTTY: true,
      columns: 80,
      write: (chunk: string) => {
        drawn += chunk;
        return true;
      },
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
      on: () => terminal,
      removeListener: () => terminal,
    } as unknown as NodeJS.WriteStream;
    const out = join(mkdtempSync(join(tmpdir(), 'synth-cli-')), 'p.jsonl');
    await run(['generate', 'polynomial', '--count', '30', '--seed', '1', '--out', out], terminal);
    expect(drawn).toMatch(/30\/30 records/);
  });
});
