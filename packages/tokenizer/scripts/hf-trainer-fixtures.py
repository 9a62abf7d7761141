"""Writes the reference fixtures for trainBpe: what Hugging Face's BpeTrainer learns on the same corpora.

Run once by hand (never at test time) after `pip install tokenizers`:
    python3 packages/tokenizer/scripts/hf-trainer-fixtures.py && pnpm format
Each case becomes test/fixtures/hf-trainer/<name>.json: the corpus (a list of texts), the trainer options and
the tokenizer.json that HF wrote. bpe-hf.test.ts trains on the same corpus and compares vocab, merges and
special tokens.
"""
import json
import pathlib
import random

import tokenizers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "hf-trainer"


def train(corpus, vocab_size, min_frequency, special_tokens):
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus, trainer)
    return json.loads(tokenizer.to_str())


def mixed_corpus(seed, lines):
    """Deterministic text with English words, digits, punctuation, whitespace runs and non-ASCII scripts."""
    rng = random.Random(seed)
    words = (
        "the of and to in is was he for it with as his on be at by had are but from or have an they which "
        "one you were her all she there would their we him been has when who will more no if out so said "
        "what up its about into than them can only other new some could time these two may then do first "
        "low lower lowest newer wider don't it's we'll 2024 3.14 1,000 $5 #tag @user x+y=z "
        "café naïve über straße 東京 日本語 こんにちは привет мир 🙂 🚀 ünïcödé"
    ).split()
    syllables = "ka ri to mu sen dor al ve qui pho thr ng é ö 語 ви ст".split()
    # Made-up words from syllables give the trainer many overlapping pairs with close counts (many ties).
    words += ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(300)]
    out = []
    for _ in range(lines):
        n = rng.randint(3, 14)
        parts = []
        for _ in range(n):
            parts.append(rng.choice(words))
            parts.append(rng.choice([" ", " ", " ", " ", "  ", "\t", ", ", ". "]))
        out.append("".join(parts).rstrip() + rng.choice(["\n", "\n", "\n\n", " \n", ""]))
    return out


CASES = {
    # The smallest case where byte order and code-point order disagree: HF learns "a b", byte order "Ċ Ċ".
    "newline-vs-letters": dict(corpus=["ab\n\n"], vocab_size=258, min_frequency=1, special_tokens=["<unk>"]),
    # A special token that is also a byte: HF gives "|" the special id and leaves it out of the alphabet.
    "special-is-a-byte": dict(corpus=["a|b ab ab"], vocab_size=300, min_frequency=1, special_tokens=["|"]),
    # A special token spelled like a merge result: HF records the merge with the special token's id.
    "special-is-a-merge": dict(
        corpus=["x <y <z <w"], vocab_size=300, min_frequency=2, special_tokens=["<pad>", "Ġ<"]
    ),
    "mixed-text-1500": dict(
        corpus=mixed_corpus(1, 1500),
        vocab_size=1500,
        min_frequency=2,
        special_tokens=["<pad>", "<bos>", "<eos>", "<unk>"],
    ),
    "mixed-text-min-frequency-1": dict(
        corpus=mixed_corpus(2, 300), vocab_size=900, min_frequency=1, special_tokens=["<|endoftext|>"]
    ),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        hf = train(**case)
        fixture = {
            "generator": f"tokenizers {tokenizers.__version__} BpeTrainer (scripts/hf-trainer-fixtures.py)",
            "corpus": case["corpus"],
            "options": {
                "vocabSize": case["vocab_size"],
                "minFrequency": case["min_frequency"],
                "specialTokens": case["special_tokens"],
            },
            "added_tokens": [{"id": t["id"], "content": t["content"]} for t in hf["added_tokens"]],
            "vocab": hf["model"]["vocab"],
            "merges": [" ".join(m) if isinstance(m, list) else m for m in hf["model"]["merges"]],
        }
        (OUT / f"{name}.json").write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n")
        print(f"{name}: {len(fixture['vocab'])} tokens, {len(fixture['merges'])} merges")


if __name__ == "__main__":
    main()
