/** A generated chain of thought split into its parts. */
export interface ReasoningOutput {
  /** Non-empty lines before the answer marker, trimmed. */
  steps: string[];
  /** Text after the last `#` (Coconut's answer rule), trimmed; '' when there is no marker. */
  answer: string;
}

/**
 * Splits model output in the `recordText` layout (`step\n…\n### answer`) back into steps and answer, the
 * inputs of `classifyProsQAPath` and the evaluators. As in the Coconut code, the answer is whatever follows
 * the last `#`; lines before the first `#` are steps.
 */
export function parseReasoningOutput(text: string): ReasoningOutput {
  const hash = text.indexOf('#');
  const body = hash === -1 ? text : text.slice(0, hash);
  return {
    steps: body
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    answer: hash === -1 ? '' : text.slice(text.lastIndexOf('#') + 1).trim(),
  };
}
