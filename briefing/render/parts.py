"""Split the briefing's HTML in two documents WeasyPrint can lay out at once, in two processes.

The one seam is the forced page break before "The articles", the last section the contents
list: the front matter (with the contents) and the articles share no page, so each lays out as
it would in the whole document. Each part ends (front) or starts (articles) with one seam page
that carries the other part's link targets as empty anchors, so that every link resolves and
the contents' page number of "The articles" is the seam page, the page the articles start on.
The back part's seam also repeats the title block, whose ``string-set`` the running header
shows. The join (pdfjoin) drops the seam pages and points each link at the real target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Marks where the articles start in templates/briefing.html.j2; without it, nothing is split.
MARK = "<!-- parts: the articles -->"
SEAM = "briefing-seam"  # the id of each seam's first element
SEAM_STYLE = (
    "<style>"
    f".{SEAM} {{ break-before: page; }}"
    f" .{SEAM} * {{ bookmark-level: none; }}"
    f" .{SEAM} div {{ height: 0; margin: 0; }}"
    "</style>"
)
# The smaller part must hold at least this much HTML for two processes to pay: the seam pages,
# a second stylesheet cascade and the join (pypdf) cost about a quarter of a second. Measured
# with warm workers on 2 busy cores (median of 3 interleaved runs, one process / two, synthetic
# corpora): 1 article (smaller part 5,077 characters) 1.05x, 2 articles (14,998) 0.84x,
# 4 articles (26,445) 1.09x, 8 articles (51,525) 1.50x; the default corpus's parts are 59,000.
MIN_PART_CHARS = 30_000

_ID = re.compile(r'\sid="([^"]+)"')
_HREF = re.compile(r'\shref="#([^"]+)"')
_HEADER = re.compile(r'<header class="title-block">.*?</header>', re.S)


@dataclass(frozen=True, slots=True, kw_only=True)
class Split:
    """The two documents, and the anchors that show whether each seam took exactly one page."""

    front: str  # everything before the articles, then the seam page
    back: str  # the seam page, then the articles
    first: str  # the id the back part's first real page starts with

    @property
    def smaller(self) -> int:
        """Characters of HTML in the smaller part: how much the second process has to do."""
        return min(len(self.front), len(self.back))


def split(html: str) -> Split | None:
    """The briefing's HTML as front matter and articles, or None when it has no seam to split at."""
    at = html.find(MARK)
    body = html.find("<body>")
    head_end = html.find("</head>")
    header = _HEADER.search(html)
    if at < 0 or body < 0 or head_end < 0 or header is None or not header.end() < at:
        return None
    first = _ID.search(html, at)
    if first is None:
        return None
    head = html[:head_end] + SEAM_STYLE + html[head_end : body + len("<body>")]
    front_body, back_body = html[body + len("<body>") : at], html[at:]
    front = head + front_body + _seam(_targets(front_body, back_body)) + "\n</body>\n</html>\n"
    back = head + _seam(_targets(back_body, front_body), header=header.group(0)) + back_body
    return Split(front=front, back=back, first=first.group(1))


def seams_hold(split: Split, *, front: dict[str, int], back: dict[str, int], front_pages: int) -> bool:
    """Whether each seam took one page: the front's last page, the back's first, and no more.

    ``front`` and ``back`` map the watched anchors to the page index each part laid them on.
    """
    return front.get(SEAM) == front_pages - 1 >= 1 and back.get(SEAM) == 0 and back.get(split.first) == 1


def _targets(part: str, other: str) -> list[str]:
    """Ids ``part`` links to that only ``other`` defines, sorted: what its seam must carry."""
    defined = set(_ID.findall(part))
    elsewhere = set(_ID.findall(other))
    return sorted({t for t in _HREF.findall(part) if t not in defined and t in elsewhere})


def _seam(targets: list[str], *, header: str = "") -> str:
    anchors = "".join(f'<div id="{t}"></div>' for t in targets)
    return f'\n<div class="{SEAM}" id="{SEAM}">{header}{anchors}</div>\n'
