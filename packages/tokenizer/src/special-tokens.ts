/** A token matched in the raw text before the model runs, so it is never split (HF "added token"). */
export interface AddedToken {
  /** Its id. */
  id: number;
  /** Its exact text, e.g. `<eos>`. */
  content: string;
  /** Special tokens are control symbols: `decode({ skipSpecialTokens: true })` drops them. */
  special: boolean;
}

/** Where {@link AddedTokens.find} found an added token. */
export interface AddedTokenMatch {
  /** UTF-16 index of the match in the text. */
  index: number;
  /** The token found. */
  token: AddedToken;
}

/** The special tokens most models want, in the id order the trainers give them. */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = ['<pad>', '<bos>', '<eos>', '<unk>'];

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/**
 * The registry of added tokens and the splitter that finds them in text. Matching is leftmost-longest, so with
 * `<eot>` and `<eot_2>` both registered, "<eot_2>" is one token.
 */
export class AddedTokens {
  /** Every added token, by content. */
  readonly byContent: ReadonlyMap<string, AddedToken>;
  /** Every added token, by id. */
  readonly byId: ReadonlyMap<number, AddedToken>;
  private readonly pattern: RegExp | undefined;

  constructor(tokens: readonly AddedToken[]) {
    this.byContent = new Map(tokens.map((t) => [t.content, t]));
    this.byId = new Map(tokens.map((t) => [t.id, t]));
    // Longest first: a regex alternation takes the first alternative that matches, not the longest.
    const contents = [...this.byContent.keys()].sort((a, b) => b.length - a.length);
    this.pattern = contents.length > 0 ? new RegExp(contents.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  /** The added tokens in id order. */
  list(): AddedToken[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** The first added token in `text`, if any, with its index. */
  find(text: string): AddedTokenMatch | undefined {
    if (this.pattern === undefined) return undefined;
    this.pattern.lastIndex = 0;
    const match = this.pattern.exec(text);
    return match ? { index: match.index, token: this.byContent.get(match[0]) as AddedToken } : undefined;
  }

  /** Calls `onText` for each stretch of ordinary text and `onToken` for each added token, in order. */
  split(text: string, onText: (text: string) => void, onToken: (token: AddedToken) => void): void {
    if (this.pattern === undefined) {
      if (text.length > 0) onText(text);
      return;
    }
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    let start = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match.index > start) onText(text.slice(start, match.index));
      onToken(this.byContent.get(match[0]) as AddedToken);
      start = match.index + match[0].length;
    }
    if (start < text.length) onText(text.slice(start));
  }
}
