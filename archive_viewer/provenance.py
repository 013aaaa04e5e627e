"""Where a document came from: the body that issued it and the address it was published at.

No Qt, no database: plain functions of what the archive keeps about a document (its source
path, the start of its text, the side of its first principal). Citations need both, and the
genre states neither as data: a press release is issued by one ministry (or one head of
government's office) per site, named in the page's title or logo when the page was saved
whole, implied by the address it was saved from, and otherwise by whose minister the overview
introduces first ("Minister for Foreign Affairs Koichiro Gemba held talks with ...").
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Sites of the bodies that publish meeting overviews, by domain (a subdomain counts too).
ISSUERS_BY_DOMAIN = {
    "mofa.go.jp": "Ministry of Foreign Affairs of Japan",
    "kantei.go.jp": "Prime Minister's Office of Japan",
    "mofa.go.kr": "Ministry of Foreign Affairs of the Republic of Korea",
    "fmprc.gov.cn": "Ministry of Foreign Affairs of the People's Republic of China",
    "state.gov": "U.S. Department of State",
    "mid.ru": "Ministry of Foreign Affairs of the Russian Federation",
}

#: The foreign ministry of a principal's side, where its usual English name is not
#: "Ministry of Foreign Affairs of <country>".
ISSUERS_BY_COUNTRY = {
    "Japan": "Ministry of Foreign Affairs of Japan",
    "China": "Ministry of Foreign Affairs of the People's Republic of China",
    "Republic of Korea": "Ministry of Foreign Affairs of the Republic of Korea",
    "United States": "U.S. Department of State",
    "Russia": "Ministry of Foreign Affairs of the Russian Federation",
}

# Country names read with "the" ("of the Philippines", "of the United Kingdom").
_WITH_THE = re.compile(r"^(?:United|Republic|Kingdom|Federation|Federal|Islamic|Democratic|"
                       r"People's|Philippines|Netherlands|Czech|Dominican|Gambia|Bahamas|"
                       r"Maldives|Marshall|Solomon|Central African)\b")

# "Ministry of Foreign Affairs of Japan", "Prime Minister's Office of Japan" in a page's title,
# logo or header; the country is one or more capitalised words.
_ISSUER_IN_PAGE = re.compile(
    r"\b(?:Ministry of Foreign Affairs(?: and Trade)?|Prime Minister(?:'|’)s Office)"
    r" of (?:the )?(?:[A-Z][\w'’.-]*)(?: (?:of |and )?[A-Z][\w'’.-]*)*")
_HEAD_END = re.compile(r"<h1\b", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_ALT = re.compile(r"""\balt\s*=\s*["']([^"']*)["']""", re.I)

# Where a saved page says its own address: the canonical link, Open Graph, and the comment
# browsers write into pages saved whole ("<!-- saved from url=(0052)https://... -->").
_PAGE_URLS = (
    re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*\bhref\s*=\s*["']([^"']+)""",
               re.I),
    re.compile(r"""<link\b[^>]*\bhref\s*=\s*["']([^"']+)["'][^>]*\brel\s*=\s*["']?canonical""",
               re.I),
    re.compile(r"""<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*\bcontent\s*=\s*["']([^"']+)""",
               re.I),
    re.compile(r"<!--\s*saved from url=\(\d+\)(https?://\S+?)\s*-->", re.I),
)

#: Characters of a document's text searched for its address and issuer: the page's head.
HEAD_CHARS = 16_000


def is_url(text: str | None) -> bool:
    return bool(text) and text.startswith(("http://", "https://"))  # type: ignore[union-attr]


def source_url(source_path: str | None, head: str = "", *, html: bool = False) -> str | None:
    """The address the document was published at: its source path when that is a URL, else
    the address a saved page gives for itself; None when neither says."""
    if is_url(source_path):
        return source_path
    if html:
        for pattern in _PAGE_URLS:
            match = pattern.search(head[:HEAD_CHARS])
            if match and is_url(match.group(1).strip()):
                return match.group(1).strip()
    return None


def issuer_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for domain, issuer in ISSUERS_BY_DOMAIN.items():
        if host == domain or host.endswith("." + domain):
            return issuer
    return None


def issuer_from_page(head: str) -> str | None:
    """The issuer a saved page names before its heading: in its <title>, or a logo's alt text."""
    end = _HEAD_END.search(head)
    chrome = head[: end.start() if end else HEAD_CHARS]
    title = _TITLE.search(chrome)
    candidates = [title.group(1)] if title else []
    candidates += _ALT.findall(chrome)
    for text in candidates:
        match = _ISSUER_IN_PAGE.search(" ".join(text.split()))
        if match:
            return match.group(0)
    return None


def issuer_of_country(country: str | None) -> str | None:
    """The foreign ministry of a country, by its usual English name."""
    if not country:
        return None
    if country in ISSUERS_BY_COUNTRY:
        return ISSUERS_BY_COUNTRY[country]
    the = "the " if _WITH_THE.match(country) else ""
    return f"Ministry of Foreign Affairs of {the}{country}"


def issuing_body(*, source_path: str | None, head: str = "", html: bool = False,
                 first_principal_side: str | None = None) -> str | None:
    """Who issued the document, from the best evidence there is: the address it came from,
    what a saved page calls its site, else the foreign ministry of the side whose principal
    the overview introduces first. None when nothing tells (the citation then starts with
    the title, as the styles do for a work without an author)."""
    return (issuer_from_url(source_url(source_path, head, html=html))
            or (issuer_from_page(head) if html else None)
            or issuer_of_country(first_principal_side))
