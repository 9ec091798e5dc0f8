"""The semantic route's neighbours: exact blocks against the HNSW index.

Usage: python bench/neighbours.py [--articles 1000 | --stories DIR ...] [--search 64] [--expansion 64]
                                  [--dtype i8] [--vectors NPY] [--no-exact]
Encodes the passages of a synthetic corpus (bench/synthetic.py), or of every story folder in the
--stories folders (real news: each folder's articles as `briefing` reads them, outlets kept apart
per folder), or loads their vectors from --vectors (saved by an earlier run). Then finds the
mutual pairs by margin both ways, with the route's settings (alignment.MARGIN_NEIGHBOURS,
SEMANTIC_MIN_COSINE, SEMANTIC_MARGIN), and reports each way's seconds and how many of the exact
pairs the index finds (and how many others). Needs the semantic extra. Synthetic text is no test
of the neighbours: its made-up words all encode alike (median cosine 0.85, against 0.20 for news
sentences), so every passage is near every other.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--stories", type=Path, nargs="*", help="folders of story folders (real news)")
    parser.add_argument("--search", type=int, help="neighbours.SEARCH for this run")
    parser.add_argument("--expansion", type=int, help="neighbours.EXPANSION_SEARCH for this run")
    parser.add_argument("--dtype", help="neighbours.INDEX_DTYPE for this run (f32, f16, i8)")
    parser.add_argument("--connectivity", type=int, help="neighbours.CONNECTIVITY for this run")
    parser.add_argument("--vectors", type=Path, help="an .npy of the corpus's vectors (written when absent)")
    parser.add_argument(
        "--no-exact", action="store_true", help="the index only (a corpus too large for exact)"
    )
    args = parser.parse_args()
    from synthetic import generate

    from briefing.align import alignment, neighbours, semantic
    from briefing.read import cleaning, corpus, segmentation

    if args.search:
        neighbours.SEARCH = args.search
    if args.expansion:
        neighbours.EXPANSION_SEARCH = args.expansion
    if args.dtype:
        neighbours.INDEX_DTYPE = args.dtype
    if args.connectivity:
        neighbours.CONNECTIVITY = args.connectivity
    if args.stories:
        passages, outlets = [], []
        for folder in sorted(d for root in args.stories for d in root.iterdir() if d.is_dir()):
            if folder.name.startswith(("_", ".")):
                continue
            for article in corpus.load(folder).articles:
                for p in segmentation.split(cleaning.clean(article)):
                    passages.append(p)
                    outlets.append(f"{folder.name}/{p.outlet}")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            generate(folder, args.articles)
            loaded = corpus.load(folder)
            passages = [p for a in loaded.articles for p in segmentation.split(cleaning.clean(a))]
        outlets = [p.outlet for p in passages]
    if args.vectors and args.vectors.is_file():
        vectors = np.load(args.vectors)
    else:
        started = time.perf_counter()
        vectors = semantic.encode([p.text for p in passages])
        print(f"encoded {len(passages):,} passages in {time.perf_counter() - started:.1f}s")
        if args.vectors:
            np.save(args.vectors, vectors)
    usable = [len(set(alignment.prepare(p)[1])) >= alignment.MIN_CONTENT_WORDS for p in passages]
    settings = {
        "usable": usable,
        "k": alignment.MARGIN_NEIGHBOURS,
        "min_cosine": alignment.SEMANTIC_MIN_COSINE,
        "min_margin": alignment.SEMANTIC_MARGIN,
    }
    print(f"{len(passages):,} passages, {sum(usable):,} usable, {len(set(outlets))} outlets")
    found = {}
    for name, exact_up_to in (("exact", len(passages)), ("index", 0)):
        if name == "exact" and args.no_exact:
            continue
        started = time.perf_counter()
        pairs = neighbours.mutual_pairs(vectors, outlets, exact_up_to=exact_up_to, **settings)
        seconds = time.perf_counter() - started
        found[name] = {(p.i, p.j) for p in pairs}
        print(f"{name}: {len(pairs):,} pairs in {seconds:.1f}s")
    if "exact" in found:
        both = found["exact"] & found["index"]
        print(
            f"the index finds {len(both):,} of the {len(found['exact']):,} exact pairs "
            f"({len(both) / max(1, len(found['exact'])):.3f}) and {len(found['index'] - both):,} others"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
