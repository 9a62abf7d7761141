// The batch as `generate` lays it out: prompts left-padded to a common width, then one column per generated token
// for every row (a stopped row repeats its last token), so that every row's next token sits in the same column.
// Rows never drift apart because every iteration commits the same number of tokens to every row.
import { leftPad } from '@beyond-ntp/transformer-core';

/** Model input for some columns of the layout: what `decodeStep` takes besides the cache. */
export interface ColumnsInput {
  ids: number[][];
  /** `[B, to]` over cached + fed columns, present only when some row is padded (as `generate` passes it). */
  attentionMask?: number[][];
  /** `[B, to − from]`, present only when some row is padded. */
  positionIds?: number[][];
}

/** Token columns of a left-padded batch that grows by the same number of tokens per row. */
export class Layout {
  /** Each row's real tokens: its prompt, then every token committed after it. */
  readonly rows: number[][];
  private readonly padded: boolean;

  constructor(prompts: number[][]) {
    this.rows = prompts.map((row) => [...row]);
    const width = Math.max(...prompts.map((row) => row.length));
    this.padded = prompts.some((row) => row.length < width);
  }

  /** Columns so far: padded prompt width + committed tokens. */
  get width(): number {
    return Math.max(...this.rows.map((row) => row.length));
  }

  /** Appends `tokens[b]` to row b; every row must get the same number. */
  append(tokens: number[][]): void {
    for (const [b, row] of this.rows.entries()) row.push(...(tokens[b] ?? []));
  }

  /**
   * Input for columns `[from, width + extra)`: the layout's columns from `from` on, then `extra[b]` (drafts, the
   * same count for every row) after row b. Mask and position ids come from `leftPad`, as `generate`'s do.
   */
  input(from: number, extra: number[][]): ColumnsInput {
    const batch = leftPad(this.rows.map((row, b) => [...row, ...(extra[b] ?? [])]));
    const fed = (grid: number[][]) => grid.map((row) => row.slice(from));
    if (!this.padded) return { ids: fed(batch.ids) };
    return { ids: fed(batch.ids), attentionMask: batch.attentionMask, positionIds: fed(batch.positionIds) };
  }
}
