"""Generate synthetic corpora: stories told by several outlets that share lightly edited passages.

Usage: python bench/synthetic.py OUT_DIR --articles N [--seed S]
Each story is told by STORY_SIZE outlets; each article carries about 40% of its story's claims,
each lightly edited (a word dropped, two swapped, one replaced, the order of sentences changed),
and as many sentences of its own. Words are drawn from a Zipf-like vocabulary, so common words
are common and most are rare, as in news text. Writes N files and a briefing.toml naming outlets.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path

STORY_SIZE = 8
OUTLETS = 60
CLAIMS_PER_STORY = 30
OWN_SENTENCES = 20
VOCABULARY = 40_000
SYLLABLES = "ka ri to mo la ne su vi da po ge lu ba te ro mi sa no fe ku".split()


def _vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence(rng: random.Random, vocab: list[str], cumulative: list[float]) -> list[str]:
    return rng.choices(vocab, cum_weights=cumulative, k=rng.randint(10, 28))


def _edit(rng: random.Random, words: list[str], vocab: list[str]) -> list[str]:
    out = list(words)
    for _ in range(rng.randint(0, 2)):
        op = rng.random()
        n = rng.randrange(len(out))
        if op < 0.4 and len(out) > 6:
            del out[n]
        elif op < 0.7 and n + 1 < len(out):
            out[n], out[n + 1] = out[n + 1], out[n]
        else:
            out[n] = rng.choice(vocab)
    return out


def generate(folder: Path, articles: int, seed: int = 1) -> None:
    """Write ``articles`` synthetic articles and their manifest into ``folder``."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocab))))
    folder.mkdir(parents=True, exist_ok=True)
    manifest = ['[story]\ntitle = "Synthetic corpus"\n']
    n = 0
    story = 0
    while n < articles:
        claims = [_sentence(rng, vocab, cumulative) for _ in range(CLAIMS_PER_STORY)]
        outlets = rng.sample(range(OUTLETS), STORY_SIZE)
        for outlet in outlets:
            if n >= articles:
                break
            chosen = [_edit(rng, c, vocab) for c in claims if rng.random() < 0.4]
            chosen += [_sentence(rng, vocab, cumulative) for _ in range(OWN_SENTENCES)]
            rng.shuffle(chosen)
            paragraphs = [" ".join(s).capitalize() + "." for s in chosen]
            name = f"story{story:05d}-outlet{outlet:02d}.txt"
            (folder / name).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
            manifest.append(f'[[articles]]\nfile = "{name}"\noutlet = "Outlet {outlet:02d}"\n')
            n += 1
        story += 1
    (folder / "briefing.toml").write_text("\n".join(manifest), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.articles, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
