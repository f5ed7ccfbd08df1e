"""Highlighted fragments: escaped HTML in which only `<mark>` is markup."""

from django.utils.html import escape

from .analysis import SYNONYM_PREFIX, analyze

FRAGMENT_CHARS = 180


def matched_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of the text whose analysed terms are in `terms`."""
    synonyms = any(term.startswith(SYNONYM_PREFIX) for term in terms)
    spans = sorted((t.start, t.end) for t in analyze(text, synonyms=synonyms) if t.text in terms)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _marked(text: str, spans, start: int, end: int) -> str:
    out, position = [], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(escape(text[position:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(escape(text[position:end]))
    return "".join(out)


def whole(text: str, terms: set[str]) -> list[str]:
    """The whole text, marked, if anything in it matches (for titles)."""
    spans = matched_spans(text, terms)
    return [_marked(text, spans, 0, len(text))] if spans else []


CHUNK_CHARS = 1500


def fragments(text: str, terms: set[str], limit: int = 2) -> list[str]:
    """Up to `limit` fragments of about FRAGMENT_CHARS around the matches, on word bounds.

    The text is analysed a paragraph block at a time, and no further than the fragments
    need: a long body whose first paragraphs match costs no more than a short one.
    """
    spans: list[tuple[int, int]] = []
    analysed = 0
    while True:
        cut = _next_cut(text, analysed + CHUNK_CHARS)
        spans += [
            (s + analysed, e + analysed) for s, e in matched_spans(text[analysed:cut], terms)
        ]
        analysed = cut
        found, reaches = _fragments(text, spans, limit)
        if analysed >= len(text) or (len(found) == limit and reaches <= analysed):
            return found


def _next_cut(text: str, position: int) -> int:
    """A paragraph end (or else a space) at or after `position`; the text's end if none."""
    if position >= len(text):
        return len(text)
    for separator in ("\n", " "):
        found = text.find(separator, position)
        if found >= 0:
            return found
    return len(text)


def _fragments(text: str, spans, limit: int) -> tuple[list[str], int]:
    """The fragments around `spans`, and how far into the text the last one reaches."""
    out = []
    covered_until = -1
    for span_start, _span_end in spans:
        if span_start < covered_until:
            continue
        start = max(0, span_start - FRAGMENT_CHARS // 3)
        end = min(len(text), start + FRAGMENT_CHARS)
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < span_start else start
        if end < len(text):
            space = text.rfind(" ", span_start, end)
            end = space if space > span_start else end
        fragment = _marked(text, spans, start, end).replace("\n", " ")
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(text) else ""
        out.append(f"{prefix}{fragment}{suffix}")
        covered_until = end
        if len(out) == limit:
            break
    return out, covered_until
