"""Bytes to clean text: size limit, binary detection, BOMs and encoding detection.

Nothing here trusts the file: a file may be huge, binary, in any encoding or none.
Every failure is an :class:`IngestError` with a reason a user can act on.
"""
from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from frontlines.ingest.errors import IngestError
from frontlines.model import normalise_text

DEFAULT_MAX_BYTES = 5_000_000
# The longest article text taken, in characters: the English model's own limit (spaCy's ``max_length``). Longer
# texts are refused at ingest with this reason; a user who raises it gets them analysed in sections.
DEFAULT_MAX_CHARS = 1_000_000

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# An encoding the document declares about itself (<?xml encoding="…"?> or <meta charset="…">).
_DECLARED = re.compile(rb"""(?:encoding|charset)\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
# C0/C1 controls other than tab and newline, and the non-characters U+FFFE/U+FFFF.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_ASCII = bytes(range(128))
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
# Lone surrogates: a JSON escape like "\\ud83d" without its pair, or a file name's undecodable bytes
# (Python keeps those as U+DC80-U+DCFF). Neither is Unicode text; the store refuses them.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BYTE_LINE_END = re.compile(rb"\r\n?|\n")   # where a JSON-lines reader splits (readers._LINE_END), in bytes


def max_bytes(config: dict) -> int:
    """The size limit for one input file (``config["ingest"]["max_bytes"]``)."""
    return int((config.get("ingest") or {}).get("max_bytes", DEFAULT_MAX_BYTES))


def max_chars(settings: dict) -> int:
    """The length limit for one article's text (``[ingest] max_chars``), given the ``[ingest]`` settings."""
    return int(settings.get("max_chars", DEFAULT_MAX_CHARS))


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing what is missing, unreadable, not a file, empty or over ``limit``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise IngestError("no such file") from None
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise IngestError("not a regular file")
    if info.st_size > limit:
        raise IngestError(f"too large: {info.st_size:,} bytes (limit {limit:,}; set [ingest] max_bytes)")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # the file may have grown since stat
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise IngestError(f"too large: over {limit:,} bytes (set [ingest] max_bytes)")
    if not data.strip():
        raise IngestError("empty file")
    return data


def decode(data: bytes) -> str:
    """Text from bytes: BOM, then UTF-8, then the declared charset, then detection; binary is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], encoding)
    if b"\x00" in data:
        raise IngestError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared(data)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    western = _western(data)
    return western if western is not None else _detected(data)


def decode_lines(data: bytes) -> tuple[str, list[str]]:
    """Text from the bytes of a JSON-lines file, and a warning for each line that was dropped or read apart.

    A file with a BOM, valid UTF-8 throughout, or with no line of UTF-8 beyond ASCII decodes as a whole
    (:func:`decode`). Otherwise each line goes its own way, so one bad line never costs or garbles the good lines
    around it (as one encoding for the whole file would): a line of binary (NUL bytes) is dropped, and lines that are
    not UTF-8 beside lines that are are decoded together in the encoding detected for them. Line numbers are kept:
    the text has one line for each line of the file.
    """
    if data.startswith(tuple(bom for bom, _ in _BOMS)):
        return decode(data), []
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), []
        except UnicodeDecodeError:
            pass
    lines = _BYTE_LINE_END.split(data)
    kinds = [_line_kind(line) for line in lines]
    if "binary" not in kinds and "utf-8" not in kinds:
        return decode(data), []
    if all(kind in ("binary", "blank") for kind in kinds):
        raise IngestError("binary file (contains NUL bytes)")
    legacy = iter(_decode_together([line for line, kind in zip(lines, kinds) if kind == "legacy"]))
    text: list[str] = []
    warnings: list[str] = []
    for number, (line, kind) in enumerate(zip(lines, kinds), start=1):
        if kind == "binary":
            warnings.append(f"line {number}: binary (NUL bytes); skipped")
            line_text: str | None = ""
        elif kind == "legacy":
            line_text = next(legacy)
            warnings.append(f"line {number}: not UTF-8 (other lines are); decoded on its own" if line_text is not None
                            else f"line {number}: undecodable; skipped")
        else:
            line_text = line.decode("utf-8")
        text.append(line_text or "")
    return "\n".join(text), warnings


def _line_kind(line: bytes) -> str:
    """blank, binary (NUL bytes), ascii, utf-8 (beyond ASCII) or legacy (not UTF-8)."""
    if not line.strip():
        return "blank"
    if b"\x00" in line:
        return "binary"
    if line.isascii():
        return "ascii"
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return "legacy"
    return "utf-8"


def _decode_together(lines: list[bytes]) -> list[str | None]:
    """``lines`` decoded in the one encoding detected for all of them (each alone if that fails); None: undecodable."""
    if not lines:
        return []
    try:
        joined = decode(b"\n".join(lines)).split("\n")
    except IngestError:
        joined = []
    if len(joined) == len(lines):
        return list(joined)
    out: list[str | None] = []
    for line in lines:
        try:
            out.append(decode(line))
        except IngestError:
            out.append(None)
    return out


def _western(data: bytes) -> str | None:
    """Windows-1252, the commonest legacy encoding of English news, when the text is nearly all ASCII.

    Detection alone picks look-alikes (Mac Latin-2, Windows-1250) for English with a few accents or
    dashes; text in another script is mostly non-ASCII and goes to detection instead.
    """
    high = len(data.translate(None, _ASCII))
    if high > len(data) * 0.05:
        return None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _detected(data: bytes) -> str:
    best = from_bytes(data).best()
    if best is None:
        raise IngestError("undecodable: the bytes are not text in any encoding detected")
    encoding = best.encoding
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        raise IngestError(f"undecodable: the bytes are not valid {encoding}") from None
    if _looks_binary(text) or _looks_garbled(text, best.coherence):
        raise IngestError(f"undecodable: not readable text in any encoding detected (best guess {encoding})")
    return text


def _declared(data: bytes) -> str | None:
    """The single-byte or multi-byte charset the document names, if Python knows it.

    A declared UTF-16/32 is ignored: real UTF-16/32 has NUL bytes or a BOM and was handled already.
    """
    found = _DECLARED.search(data[:2048])
    if not found:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None
    return None if name.startswith(("utf-16", "utf-32")) else name


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(f"undecodable: byte {exc.start} is not valid {encoding} despite the byte-order mark") from None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    odd = sum(1 for c in sample if unicodedata.category(c) in ("Cc", "Co", "Cn") and c not in "\n\r\t")
    return odd > len(sample) * 0.05


def _looks_garbled(text: str, coherence: float) -> bool:
    """Random bytes decode to symbol soup: no recognisable language and almost no spaces."""
    if len(text) < 200 or coherence > 0:
        return False
    return sum(1 for c in text if c.isspace()) < len(text) * 0.02


def clean_text(text: str) -> str:
    """The stored form of an article's text: NFC, ``\\n`` line ends, no control characters, tidy blank lines."""
    text = _CONTROLS.sub("", normalise_text(text))
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def clean_line(value: object, limit: int = 500) -> str | None:
    """A one-line metadata value (title, outlet): whitespace collapsed, controls dropped, length capped."""
    if value is None:
        return None
    text = " ".join(_CONTROLS.sub("", unicodedata.normalize("NFC", str(value))).split())
    return text[:limit] or None


def replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, the Unicode replacement character."""
    return _SURROGATES.sub("\ufffd", text)


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (and so is not valid Unicode)."""
    return _SURROGATES.search(text) is not None


def path_text(path: str | os.PathLike[str]) -> str:
    """A file name as valid Unicode: bytes that are not UTF-8 become U+FFFD (for display and the store)."""
    return replace_surrogates(os.fspath(path))


def path_key(path: str | os.PathLike[str]) -> str:
    """A file name as valid Unicode that still tells two names apart: bytes that are not UTF-8 become ``\\xNN``."""
    name = os.fspath(path)
    if not has_surrogates(name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")
