"""Score an alignment against a human annotation of cross-outlet claims (gold JSON).

The annotation names documents by keys of its own and members by exact substrings; they are
mapped to this run's articles by finding the substrings, so renamed files still match. An
annotation of articles that may not be copied (news under copyright) gives members as character
offsets instead ("start", "end") and its documents by file, with each file's SHA-256 so that
offsets are never read against other bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.models import Alignment, Article, Passage

# A member counts for a passage when they share this many characters, or the whole of the
# shorter one: gold members are clauses, passages sentences, and either may be the longer.
MIN_OVERLAP = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldMember:
    """One annotated statement of a claim: a span of one article."""

    doc: str  # article id in this run
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldClaim:
    """A claim the annotators found in two or more outlets."""

    id: str
    kind: str
    confidence: str
    themes: tuple[str, ...]
    text: str
    members: tuple[GoldMember, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Gold:
    """The annotation, mapped onto this run's articles."""

    claims: tuple[GoldClaim, ...]
    furniture: tuple[tuple[str, str], ...]  # (article id, line text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scores:
    """How an alignment compares with the annotation."""

    links: int  # predicted cross-outlet passage pairs
    correct: int  # of them, pairs that state one annotated claim
    annotated_links: int  # predicted pairs whose both passages carry some annotated claim
    gold_pairs: int  # cross-outlet passage pairs that state one annotated claim
    found_pairs: int
    claims: int
    found_claims: int
    outlet_pairs: int  # (claim, outlet, outlet) triples: two outlets that both state one claim
    found_outlet_pairs: int  # of them, those some correct link joins

    @property
    def precision(self) -> float:
        """Share of predicted links that join two statements of one annotated claim."""
        return self.correct / self.links if self.links else 0.0

    @property
    def annotated_precision(self) -> float:
        """Precision over links between annotated passages only (the rest may be unannotated)."""
        return self.correct / self.annotated_links if self.annotated_links else 0.0

    @property
    def claim_recall(self) -> float:
        """Share of annotated claims that some correct link finds."""
        return self.found_claims / self.claims if self.claims else 0.0

    @property
    def pair_recall(self) -> float:
        """Share of annotated cross-outlet passage pairs that are linked."""
        return self.found_pairs / self.gold_pairs if self.gold_pairs else 0.0

    @property
    def outlet_pair_recall(self) -> float:
        """Share of (claim, two outlets stating it) that a correct link between those outlets finds:
        what a reader of "who reports what" misses, however many passages each outlet spends."""
        return self.found_outlet_pairs / self.outlet_pairs if self.outlet_pairs else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of link precision and claim recall."""
        p, r = self.precision, self.claim_recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_gold(path: Path, articles: Sequence[Article]) -> Gold:
    """Read a gold file and find each member's span in the articles."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    doc_map = _map_files(raw, articles, path) if "files" in raw else _map_docs(raw, articles)
    texts = {a.id: a.text for a in articles}
    claims: list[GoldClaim] = []
    for cluster in raw["clusters"]:
        members: list[GoldMember] = []
        for member in cluster["members"]:
            doc = doc_map[member["doc"]]
            if "text" in member:
                start = texts[doc].find(member["text"])
                end = start + len(member["text"])
            else:
                start, end = int(member["start"]), int(member["end"])
            members.append(GoldMember(doc=doc, start=start, end=end))
        claims.append(
            GoldClaim(
                id=cluster["id"],
                kind=cluster.get("kind", ""),
                confidence=cluster.get("confidence", ""),
                themes=tuple(cluster.get("themes", ())),
                text=cluster.get("claim", ""),
                members=tuple(members),
            )
        )
    furniture = tuple(
        (doc_map[key], line) for key, lines in raw.get("boilerplate", {}).items() for line in lines
    )
    return Gold(claims=tuple(claims), furniture=furniture)


def claims_of(passage: Passage, gold: Gold) -> frozenset[str]:
    """The annotated claims a passage states."""
    found = set()
    for claim in gold.claims:
        for m in claim.members:
            if m.doc != passage.doc:
                continue
            overlap = min(m.end, passage.end) - max(m.start, passage.start)
            shorter = min(m.end - m.start, passage.end - passage.start)
            if overlap >= min(MIN_OVERLAP, shorter):
                found.add(claim.id)
    return frozenset(found)


def score(alignment: Alignment, gold: Gold) -> Scores:
    """Link precision and claim and pair recall of an alignment."""
    passages = {p.id: p for p in alignment.passages}
    claims = {p.id: claims_of(p, gold) for p in alignment.passages}
    predicted: set[tuple[str, str]] = set()
    for cluster in alignment.clusters:
        for n, a in enumerate(cluster.passages):
            for b in cluster.passages[n + 1 :]:
                if passages[a].outlet != passages[b].outlet:
                    predicted.add((min(a, b), max(a, b)))
    gold_pairs = gold_pair_set(alignment.passages, claims)
    correct = {pair for pair in predicted if claims[pair[0]] & claims[pair[1]]}
    annotated = {pair for pair in predicted if claims[pair[0]] and claims[pair[1]]}
    found_claims = {c for a, b in correct for c in claims[a] & claims[b]}
    reachable = {c for a, b in gold_pairs for c in claims[a] & claims[b]}

    def outlet_pairs(pairs: set[tuple[str, str]]) -> set[tuple[str, str, str]]:
        found: set[tuple[str, str, str]] = set()
        for a, b in pairs:
            first, second = sorted((passages[a].outlet, passages[b].outlet))
            found.update((c, first, second) for c in claims[a] & claims[b])
        return found

    return Scores(
        links=len(predicted),
        correct=len(correct),
        annotated_links=len(annotated),
        gold_pairs=len(gold_pairs),
        found_pairs=len(gold_pairs & predicted),
        claims=len(reachable),
        found_claims=len(found_claims & reachable),
        outlet_pairs=len(outlet_pairs(gold_pairs)),
        found_outlet_pairs=len(outlet_pairs(correct) & outlet_pairs(gold_pairs)),
    )


def gold_pair_set(passages: Sequence[Passage], claims: dict[str, frozenset[str]]) -> set[tuple[str, str]]:
    """Cross-outlet passage pairs that state one annotated claim."""
    by_claim: dict[str, list[Passage]] = {}
    for p in passages:
        for c in claims[p.id]:
            by_claim.setdefault(c, []).append(p)
    pairs: set[tuple[str, str]] = set()
    for members in by_claim.values():
        for n, a in enumerate(members):
            for b in members[n + 1 :]:
                if a.outlet != b.outlet:
                    pairs.add((min(a.id, b.id), max(a.id, b.id)))
    return pairs


def _map_files(raw: dict[str, object], articles: Sequence[Article], path: Path) -> dict[str, str]:
    """Gold document key -> article id, by the "files" table: {key: {"file": ..., "sha256": ...}}."""
    files = raw["files"]
    assert isinstance(files, dict)
    by_path = {a.path: a for a in articles}
    mapping: dict[str, str] = {}
    for key, entry in files.items():
        article = by_path.get(entry["file"])
        if article is None:
            raise ValueError(f"{path}: {entry['file']!r} is not among the articles")
        if article.sha256 != entry["sha256"]:
            raise ValueError(f"{path}: {entry['file']!r} is not the file annotated (its SHA-256 differs)")
        mapping[key] = article.id
    return mapping


def _map_docs(raw: dict[str, object], articles: Sequence[Article]) -> dict[str, str]:
    """Gold document key -> article id: the article holding every member text of that key."""
    wanted: dict[str, list[str]] = {}
    clusters = raw["clusters"]
    assert isinstance(clusters, list)
    for cluster in clusters:
        for member in cluster["members"]:
            wanted.setdefault(member["doc"], []).append(member["text"])
    mapping: dict[str, str] = {}
    for key, texts in wanted.items():
        holders = [a.id for a in articles if all(t in a.text for t in texts)]
        if len(holders) != 1:
            raise ValueError(f"gold document {key!r} matches {len(holders)} articles, not one")
        mapping[key] = holders[0]
    return mapping
