"""Mark spans of article text safely: every piece of article text is escaped before any markup is added."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# The only class names markup may carry: never taken from article data.
SPAN_KINDS = ("evidence", "place", "actor", "date", "number", "claim")


@dataclass
class Span:
    """A half-open ``[start, end)`` stretch of text to mark, of one kind, with a tooltip."""
    start: int
    end: int
    kind: str = "evidence"
    note: str = ""


def clean_spans(spans: list[Span], length: int) -> list[Span]:
    """Spans clipped to the text, empty ones dropped, overlaps resolved (earlier, then longer, wins)."""
    usable = []
    for span in spans:
        start, end = max(0, int(span.start)), min(length, int(span.end))
        if start < end:
            usable.append(Span(start, end, span.kind if span.kind in SPAN_KINDS else "evidence", span.note))
    usable.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    for span in usable:
        if not out or span.start >= out[-1].end:
            out.append(span)
    return out


def highlight(text: str, spans: list[Span], offset: int = 0) -> Markup:
    """``text`` as HTML with each span wrapped in ``<mark>``; span offsets are relative to ``offset``."""
    shifted = [Span(s.start - offset, s.end - offset, s.kind, s.note) for s in spans]
    parts, cursor = [], 0
    for span in clean_spans(shifted, len(text)):
        parts.append(escape(text[cursor:span.start]))
        title = Markup(' title="{}"').format(span.note) if span.note else Markup("")
        parts.append(Markup('<mark class="{}"{}>{}</mark>').format(span.kind, title, text[span.start:span.end]))
        cursor = span.end
    parts.append(escape(text[cursor:]))
    return Markup("").join(parts)


def windows(length: int, spans: list[Span], context: int) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` windows of ``context`` characters around each span (for long articles)."""
    out: list[list[int]] = []
    for span in sorted(clean_spans(spans, length), key=lambda s: s.start):
        start, end = max(0, span.start - context), min(length, span.end + context)
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def highlight_in_context(text: str, spans: list[Span], full_below: int = 20_000, context: int = 800) -> list[Markup]:
    """The whole text highlighted when it is short, else the highlighted windows around the spans."""
    if len(text) <= full_below or not spans:
        return [highlight(text[:full_below] if not spans else text, spans)]
    return [highlight(text[a:b], spans, offset=a) for a, b in windows(len(text), spans, context)]
