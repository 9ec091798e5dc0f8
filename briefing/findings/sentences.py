"""The whole sentence a clause was cut from, as the NLP pass found it.

Segmentation cuts long sentences into clauses so that alignment can match each claim; a clause
shown alone ("but this year, there's so much more runoff ...", "once by President George Bush in
1990 ...") reads as junk. The overview and the timeline show such a passage as the sentence
around it instead, citing the same passage.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from briefing.models import Article, Passage, Reading


def around(
    passages: Sequence[Passage], readings: Sequence[Reading], articles: Sequence[Article]
) -> dict[str, str]:
    """Passage id -> the whole sentence (whitespace made single) of the parse that holds it,
    for each passage that is less than its sentence; passages that are whole sentences, or
    that no one sentence holds, are absent."""
    texts = {a.id: a.text for a in articles}
    spans = {r.doc: sorted(r.sentences, key=lambda s: s.start) for r in readings}
    starts = {doc: [s.start for s in found] for doc, found in spans.items()}
    whole: dict[str, str] = {}
    for p in passages:
        if p.doc not in texts or p.doc not in spans:
            continue
        k = bisect.bisect_right(starts[p.doc], p.start) - 1
        if k < 0 or spans[p.doc][k].end < p.end:
            continue
        sentence = texts[p.doc][spans[p.doc][k].start : spans[p.doc][k].end].strip()
        if sentence != p.text.strip():
            whole[p.id] = " ".join(sentence.split())
    return whole
