"""Hostile input files of every kind issue 19 lists, mixed with good records, and the account of a run over them.

Used by the fuzz tests (a few hundred inputs) and by ``benchmarks/fuzz.py`` (tens of thousands). A corpus is a folder
of sub-folders, one per kind; :func:`write_corpus` writes it and returns a :class:`Manifest` of what is in it:

* good records, each carrying a unique token (``GOOD000123``) in its text: every one must reach the store;
* hostile parts (a file, or a line or item of one), each of which must be either reported (a failure of its file,
  or a warning for its file starting with its line or item) or, where that is a fair reading, stored.

:func:`account` checks a run's summary and store against the manifest. Nothing here imports frontlines but the
store, so a benchmark can build a corpus in one process and run frontlines over it in another.
"""
from __future__ import annotations

import codecs
import gzip
import json
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

TOKEN = re.compile(r"GOOD\d{6}")
SENTENCES = (
    "Taliban fighters attacked a police checkpoint in Kunduz on Sunday, officials said.",
    "Two policemen were killed and the road to Baghlan was closed for hours.",
    "The governor of Herat said the district centre of Ghoryan was retaken after heavy fighting.",
    "Residents of Mazar-i-Sharif — the largest city in the north — reported clashes near the airport.",
    "A spokesman for the army said 12 militants were killed in air strikes in Helmand’s Nad Ali district.",
    "Aid groups warned that thousands of families had fled Lashkar Gah since the start of the week.",
    "Government forces pushed back an attack on the outskirts of Kandahar city, a security official said.",
    "“The situation is calm now,” a resident of Pul-e-Khumri told reporters by telephone.",
)


@dataclass
class Hostile:
    """One hostile part: a file (``where`` empty) or one line or item of it (``where`` = "line 3")."""
    path: str
    kind: str
    what: str
    where: str = ""
    token: str = ""          # set when storing the part is a fair reading too (it then carries this token)
    must_warn: bool = False  # a repair (a surrogate, a file name): the record is stored and a warning says so


@dataclass
class Manifest:
    """What a generated corpus holds."""
    good: dict[str, str] = field(default_factory=dict)          # token -> file (display form)
    exact: dict[str, str] = field(default_factory=dict)         # token -> the text the store must hold
    records: dict[str, dict[str, Any]] = field(default_factory=dict)   # token -> the good record as written
    hostile: list[Hostile] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)             # what to pass to `frontlines run`
    secrets: list[str] = field(default_factory=list)            # text that must never reach the store (XXE)

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for part in self.hostile:
            counts[part.kind] = counts.get(part.kind, 0) + 1
        return counts


@dataclass
class Limits:
    """The ingest limits the corpus is written against (the run must use the same)."""
    max_bytes: int = 5_000_000
    max_chars: int = 1_000_000


class Writer:
    """Writes one corpus folder and fills its manifest."""

    def __init__(self, root: Path, seed: int, limits: Limits) -> None:
        self.root, self.rng, self.limits = root, random.Random(seed), limits
        self.manifest = Manifest(inputs=[str(root)])
        self.serial = 0

    def folder(self, kind: str) -> Path:
        path = self.root / kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    def name(self, kind: str, suffix: str) -> Path:
        self.serial += 1
        return self.folder(kind) / f"{self.serial:06d}{suffix}"

    def text(self, token: str, sentences: int = 3) -> str:
        chosen = self.rng.sample(SENTENCES, sentences)
        return " ".join(chosen) + f" Reference {token}, item {self.rng.randrange(10**9)}."

    def good(self, path: Path | str, exact: bool = False, **fields: Any) -> dict[str, Any]:
        """A new good record (id, title, text, published, outlet, url) registered as in ``path``."""
        token = f"GOOD{len(self.manifest.good):06d}"
        record = {"id": f"g-{token}", "title": f"Report {token}", "text": self.text(token), "published": "2021-08-15",
                  "outlet": "Pajhwok", "url": f"https://example.org/{token}"}
        record.update(fields)
        if "text" in fields:
            record["text"] = f"{fields['text']} Reference {token}."
        self.manifest.good[token] = display(path)
        self.manifest.records[token] = record
        if exact:
            self.manifest.exact[token] = record["text"]
        return record

    def bad(self, path: Path | str, kind: str, what: str, where: str = "", token: str = "",
            must_warn: bool = False) -> None:
        self.manifest.hostile.append(Hostile(display(path), kind, what, where, token, must_warn))

    def maybe(self, path: Path | str, kind: str, what: str, where: str = "") -> str:
        """A token for a part that may be stored or reported; registered as a hostile part."""
        token = f"MAYBE{self.serial:06d}{len(self.manifest.hostile):06d}"
        self.bad(path, kind, what, where, token=token)
        return token


def display(path: Path | str) -> str:
    """A path as frontlines shows it: bytes that are not UTF-8 as U+FFFD."""
    return re.sub(r"[\ud800-\udfff]", "\ufffd", os.fspath(path))


def jsonl(records: Iterable[Any]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def lines_file(w: Writer, kind: str, lines: list[bytes | Callable[[Path, int], bytes]], suffix: str = ".jsonl",
               end: bytes = b"\n") -> Path:
    """A JSON-lines file from ``lines``: bytes as they are, or a callable given (path, line number)."""
    path = w.name(kind, suffix)
    out = [line(path, number) if callable(line) else line for number, line in enumerate(lines, start=1)]
    path.write_bytes(end.join(out) + end)
    return path


def good_line(w: Writer, exact: bool = True, ascii: bool = False, **fields: Any) -> Callable[[Path, int], bytes]:
    """A good record's line; ``ascii`` writes non-ASCII as escapes (surrogate pairs beyond the BMP)."""
    return lambda path, number: json.dumps(w.good(path, exact=exact, **fields), ensure_ascii=ascii).encode("utf-8")


def bad_line(w: Writer, kind: str, what: str, raw: bytes, token: bool = False,
             must_warn: bool = False) -> Callable[[Path, int], bytes]:
    def make(path: Path, number: int) -> bytes:
        if token:
            value = w.maybe(path, kind, what, f"line {number}")
            return raw.replace(b"TOKEN", value.encode())
        w.bad(path, kind, what, f"line {number}", must_warn=must_warn)
        return raw
    return make


def repaired_line(w: Writer, kind: str, what: str, raw: str) -> Callable[[Path, int], bytes]:
    """A good record whose line needs a repair (and a warning): ``raw`` holds TEXT where the record's text goes."""
    def make(path: Path, number: int) -> bytes:
        record = w.good(path)
        w.bad(path, kind, what, f"line {number}", must_warn=True)
        return raw.replace("TEXT", json.dumps(record["text"])[1:-1]).replace("ID", record["id"]).encode("utf-8")
    return make


# -- the kinds ---------------------------------------------------------------------------------------------------

def huge(w: Writer, i: int) -> None:
    """Over the byte limit (sparse), over the character limit (whole file, one line), and huge metadata."""
    sparse = w.name("huge", ".txt")
    with open(sparse, "wb") as handle:
        handle.truncate(w.limits.max_bytes + 1 + i)
    w.bad(sparse, "huge", "file over max_bytes")
    chars = w.limits.max_chars + 10
    if chars < w.limits.max_bytes - 100 and i % 3 == 0:
        long = w.name("huge", ".txt")
        long.write_text(("Fighting went on near Kunduz. " * (chars // 30 + 1))[:chars], encoding="utf-8")
        w.bad(long, "huge", "text over max_chars")
        lines_file(w, "huge", [good_line(w), bad_line(w, "huge", "line over max_chars",
                                                     json.dumps({"text": "Kabul. " * (chars // 7 + 1)}).encode()),
                               good_line(w)])
    size = min(100_000, w.limits.max_bytes // 10)
    lines_file(w, "huge", [good_line(w, title="T" * size, outlet="O" * size, tags=list(range(size // 10))),
                           good_line(w, extra={"deep": [[[[["x"] * 50] * 4] * 4] * 4]})])


def empty(w: Writer, i: int) -> None:
    """Empty, blank and contentless files and records."""
    for suffix, data in ((".txt", b""), (".jsonl", b"\n\n  \n"), (".html", b" \t\n"), (".rss", b""),
                         (".json", b"[]"), (".json", b"{}"), (".txt", b"\xef\xbb\xbf"), (".atom", b"\n")):
        path = w.name("empty", suffix)
        path.write_bytes(data)
        w.bad(path, "empty", f"empty {suffix}")
    lines_file(w, "empty", [b"", good_line(w), bad_line(w, "empty", "empty object", b"{}"),
                            bad_line(w, "empty", "empty text", b'{"text": ""}'),
                            bad_line(w, "empty", "blank text", b'{"text": "   \\t\\n "}'), b"   ", good_line(w)])


def binary(w: Writer, i: int) -> None:
    """Random bytes, NULs, images and archives under text names, and one line of binary among good lines."""
    noise = bytes(w.rng.randrange(256) for _ in range(w.rng.randrange(64, 4096)))
    for suffix, data in ((".txt", noise), (".jsonl", noise[::-1]), (".html", b"\x89PNG\r\n\x1a\n" + noise),
                         (".rss", b"\x00" * 64 + noise), (".txt", b"GIF89a" + bytes(range(256)) * 4),
                         (".jsonl", gzip.compress(jsonl([{"text": "Kabul fell today to the Taliban."}])))):
        path = w.name("binary", suffix)
        path.write_bytes(data)
        w.bad(path, "binary", f"binary {suffix}")
    lines_file(w, "binary", [good_line(w), bad_line(w, "binary", "a line of NUL bytes", b"\x00\x00\x01\x02" * 8),
                             good_line(w)])


def misencoded(w: Writer, i: int) -> None:
    """Latin-1 and UTF-16 texts, a BOM over bad bytes, a truncated sequence, one Latin-1 line among UTF-8 ones."""
    path = w.name("misencoded", ".txt")
    path.write_bytes(("Café in Kabul: “fighting” near the ministry. Reference "
                      + w.maybe(path, "misencoded", "cp1252 text") + ".").encode("cp1252"))
    path = w.name("misencoded", ".txt")
    record = w.good(path)
    path.write_bytes(codecs.BOM_UTF16_LE + record["text"].encode("utf-16-le"))
    path = w.name("misencoded", ".txt")
    path.write_bytes(("Kunduz " * 40 + w.maybe(path, "misencoded", "UTF-16 without a BOM")).encode("utf-16-le"))
    path = w.name("misencoded", ".txt")
    path.write_bytes(codecs.BOM_UTF8 + b"Kabul \xff\xfe\xfa report " + w.maybe(path, "misencoded", "BOM over bad bytes")
                     .encode())
    path = w.name("misencoded", ".txt")
    path.write_bytes((SENTENCES[3] + " Reference ").encode() + w.maybe(path, "misencoded", "truncated UTF-8")
                     .encode() + "é".encode()[:1])
    lines_file(w, "misencoded", [good_line(w), bad_line(w, "misencoded", "a Latin-1 line", json.dumps(
        {"id": "TOKEN", "text": "Hérat: réfugiés à la frontière, TOKEN."}, ensure_ascii=False).encode("latin-1"),
        token=True), good_line(w)])


def bad_names(w: Writer, i: int) -> None:
    """File names that are not UTF-8 (two differing only in such bytes), with newlines, U+2028, or 240 bytes long."""
    folder = os.fsencode(w.folder("names"))
    tag = str(w.serial).encode()
    w.serial += 1
    for raw in (b"r-" + tag + b"-\xff.txt", b"r-" + tag + b"-\xfe.txt", b"r-" + tag + b"-\xed\xa0\x80.jsonl"):
        name = os.fsdecode(os.path.join(folder, raw))
        record = w.good(name)
        data = jsonl([record]) if raw.endswith(b".jsonl") else record["text"].encode()
        with open(os.path.join(folder, raw), "wb") as handle:
            handle.write(data)
        w.bad(name, "names", "file name not UTF-8", must_warn=True)
    for raw in (b"r-" + tag + b"-line\nbreak.txt", b"r-" + tag + "-\u2028-\u202e.txt".encode(),
                b"r-" + tag + b"-" + b"x" * 230 + b".txt"):
        name = os.fsdecode(os.path.join(folder, raw))
        with open(os.path.join(folder, raw), "wb") as handle:
            handle.write(w.good(name)["text"].encode())


def surrogates(w: Writer, i: int) -> None:
    """Lone surrogate escapes in every field, a valid pair, and raw surrogate bytes in a text file."""
    lines = [good_line(w, ascii=True, title="Pair \U0001F600"),
             repaired_line(w, "surrogates", "lone surrogate in text", '{"id": "ID", "text": "TEXT \\ud83d end"}'),
             repaired_line(w, "surrogates", "lone surrogates in metadata",
                           '{"id": "ID\\udc00", "title": "\\ud800", "outlet": "\\udfff x", "text": "TEXT", '
                           '"\\ud83d": ["\\udc01", {"k\\ud800": "\\udbff"}]}'),
             repaired_line(w, "surrogates", "surrogate in url", '{"id": "ID", "url": "https://x.org/\\ud800", '
                           '"text": "TEXT"}'),
             good_line(w)]
    lines_file(w, "surrogates", lines)
    path = w.name("surrogates", ".txt")
    path.write_bytes(b"Kabul \xed\xa0\xbd report " + w.maybe(path, "surrogates", "raw surrogate bytes").encode())


def separators(w: Writer, i: int) -> None:
    """U+2028, U+2029, NEL raw inside JSON strings (text, as JSON allows); raw controls (invalid JSON); \\r endings."""
    lines = [good_line(w, text=f"First part.\u2028Second part.\u2029Third \x85 part"),
             good_line(w, title="A\u2028B", outlet="C\u2029D"),
             bad_line(w, "separators", "raw form feed in a string", b'{"text": "Kabul\x0cfell"}'),
             bad_line(w, "separators", "raw unit separator in a string", b'{"text": "Kabul\x1ffell"}'),
             good_line(w)]
    lines_file(w, "separators", lines)
    lines_file(w, "separators", [good_line(w), good_line(w), bad_line(w, "separators", "invalid JSON", b"{x")],
               end=b"\r")
    path = w.name("separators", ".txt")
    path.write_text(w.good(path)["text"].replace(". ", ".\u2028", 1) + "\u2029\u0085", encoding="utf-8")


def huge_integers(w: Writer, i: int) -> None:
    """Integers past Python's 4,300-digit limit, just under it, floats past infinity; one in a JSON document."""
    big = b"9" * (4_301 + i % 2_000)
    lines = [good_line(w),
             bad_line(w, "huge_integers", "5,000-digit integer", b'{"text": "Kabul", "n": ' + big + b"}"),
             bad_line(w, "huge_integers", "huge integer as text", b'{"text": ' + big + b"}"),
             good_line(w, n=10 ** 4_000, id=10 ** 199 + len(w.manifest.good)),
             repaired_line(w, "huge_integers", "float past infinity", '{"id": "ID", "text": "TEXT", "x": 1e400}'),
             good_line(w, published=10 ** 300, small=1e-400)]
    lines_file(w, "huge_integers", lines)
    path = w.name("huge_integers", ".json")
    path.write_bytes(b'[{"text": "Kabul fell.", "n": ' + big + b"}]")
    w.bad(path, "huge_integers", "huge integer in a JSON document")


WRONG_RECORDS = (b"[1, 2]", b'"a string"', b"42", b"null", b"true", b'{"text": 42}', b'{"text": ["Kabul"]}',
                 b'{"text": {"a": 1}}', b'{"text": null}', b'{"text": false}', b'{"title": "no text at all"}')
WRONG_FIELDS = ({"id": 1.5}, {"id": True}, {"id": ["a"]}, {"id": {"a": 1}}, {"id": None}, {"id": ""},
                {"title": {"a": 1}}, {"title": [1, 2]}, {"title": 3}, {"title": False}, {"published": [2021]},
                {"published": {"y": 2021}}, {"published": 1629000000}, {"published": True}, {"published": "31/02/2021"},
                {"published": "2021-13-45"}, {"published": "0001-01-01"}, {"published": "9999-12-31T23:59:59"},
                {"url": 7}, {"url": ["https://a.b"]}, {"url": "javascript:alert(1)"}, {"url": "ftp://x.org/a"},
                {"outlet": ["a"]}, {"outlet": {"b": 2}}, {"outlet": 0})


def wrong_types(w: Writer, i: int) -> None:
    """Records that are not objects, texts that are not strings, and good texts under metadata of every wrong type."""
    lines: list[Any] = [bad_line(w, "wrong_types", f"record {raw[:12]!r}", raw)
                        for raw in w.rng.sample(WRONG_RECORDS, 4)]
    lines += [good_line(w, **fields) for fields in w.rng.sample(WRONG_FIELDS, 6)]
    w.rng.shuffle(lines)
    lines_file(w, "wrong_types", lines)
    path = w.name("wrong_types", ".jsonl")   # an id taken by a different text: the second is refused, with a reason
    first = w.good(path)
    second_token = w.maybe(path, "wrong_types", "id already taken", "")
    second = {"id": first["id"], "text": w.text(second_token)}
    path.write_bytes(jsonl([first, second]))


def symlinks(w: Writer, i: int) -> None:
    """Broken links (two to one target), loops, a link to a device, a FIFO, links to a good file and folder outside."""
    folder = w.folder("symlinks")
    tag = f"{w.serial:06d}"
    w.serial += 1
    links = [(f"{tag}-a.txt", f"gone-{tag}.txt"), (f"{tag}-b.txt", f"gone-{tag}.txt"),
             (f"{tag}-loop1.txt", f"{tag}-loop2.txt"), (f"{tag}-loop2.txt", f"{tag}-loop1.txt"),
             (f"{tag}-self.jsonl", f"{tag}-self.jsonl")]
    if i == 0:   # every link to one device is one input (the same file): once is enough
        links.append((f"{tag}-null.txt", "/dev/null"))
    for name, target in links:
        (folder / name).symlink_to(target)
        w.bad(folder / name, "symlinks", f"link to {target}")
    fifo = folder / f"{tag}-fifo.txt"
    os.mkfifo(fifo)
    w.bad(fifo, "symlinks", "a FIFO")
    outside = w.root.parent / f"{w.root.name}-outside"
    outside.mkdir(exist_ok=True)
    target = outside / f"{tag}.txt"
    target.write_text(w.good(folder / f"{tag}-link.txt")["text"], encoding="utf-8")
    (folder / f"{tag}-link.txt").symlink_to(target)
    inner = outside / f"dir-{tag}"
    inner.mkdir()
    (inner / "a.txt").write_text(w.text(w.maybe(folder / f"{tag}-dirlink", "symlinks", "link to a folder")),
                                 encoding="utf-8")
    (folder / f"{tag}-dirlink").symlink_to(inner, target_is_directory=True)
    (folder / f"{tag}-up").symlink_to(w.root, target_is_directory=True)
    w.bad(folder / f"{tag}-up", "symlinks", "link to a folder above it (a loop)")


def html(w: Writer, i: int) -> None:
    """A good page with broken markup, and pages that are deep, empty of text, unterminated or full of entities."""
    path = w.name("html", ".html")
    record = w.good(path)
    body = "".join(f"<p>{s}" for s in SENTENCES[:4]) + f"<p>{record['text']}</div></span>"
    path.write_text(f"<html><head><title>{record['title']}</title><meta charset='utf-8'><body><article>{body}"
                    "<div><table><tr><td>unclosed", encoding="utf-8")
    for what, page in (("nested 50,000 deep", "<div>" * 50_000 + "Kabul TOKEN" + "</div>" * 10),
                       ("scripts only", "<html><script>" + "var a=1;" * 500 + "</script>TOKEN</html>"),
                       ("unterminated comment", "<html><body>TOKEN<!-- " + "Kabul fell. " * 50),
                       ("entities", "<p>TOKEN " + "&#0;&#xD800;&#x110000;&nbsp;&bogus;" * 200 + "</p>"),
                       ("huge attribute", f"<p title='{'x' * 200_000}'>Kabul TOKEN</p>"),
                       ("bare text", "just a few words here TOKEN")):
        path = w.name("html", ".htm")
        path.write_text(page.replace("TOKEN", w.maybe(path, "html", what)), encoding="utf-8")
    path = w.name("html", ".html")
    token = w.maybe(path, "html", "declares UTF-16 but is UTF-8 with a Latin-1 byte")
    path.write_bytes(b"<meta charset='utf-16'><article><p>" + (" ".join(SENTENCES) + f" {token}.").encode()
                     + b"\xe9</p></article>")


XXE = '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "ha ha ha ha ha ha ha ha ha ha">'
          + "".join(f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(8)) + "]>\n")


def _item(token_text: str, title: str = "Item", date: str = "Sun, 15 Aug 2021 10:00:00 +0000") -> str:
    return (f"<item><title>{title}</title><link>https://example.org/{abs(hash(token_text)) % 10**8}</link>"
            f"<pubDate>{date}</pubDate><description>{token_text}</description></item>")


def rss(w: Writer, i: int) -> None:
    """A good feed with broken items, broken feeds, entity bombs and external entities, an Atom feed with no entries."""
    path = w.name("rss", ".rss")
    good = [w.good(path) for _ in range(2)]
    items = [_item(good[0]["text"], "First &amp; good"), _item("", "No text"), _item(good[1]["text"], date="garbage"),
             _item("Kabul " * 3 + w.maybe(path, "rss", "item with a future date"), date="Fri, 31 Dec 9999 00:00:00")]
    w.bad(path, "rss", "item without text", "item 2")
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
                    f"{''.join(items)}</channel></rss>", encoding="utf-8")
    path = w.name("rss", ".rss")
    token = w.maybe(path, "rss", "unclosed feed")
    path.write_text(f'<rss version="2.0"><channel><title>Cut</title>{_item(w.text(token))}<item><title>cut off',
                    encoding="utf-8")
    for what, text in (("billion laughs", LAUGHS + '<rss version="2.0"><channel><title>&i;</title>'
                                          + _item("&i; Kabul fell. TOKEN") + "</channel></rss>"),
                       ("external entity", XXE + '<rss version="2.0"><channel>' + _item("&x; Kabul fell. TOKEN")
                                           + "</channel></rss>"),
                       ("not a feed", "<?xml version='1.0'?><html><body>Kabul TOKEN</body></html>"),
                       ("atom without entries",
                        '<feed xmlns="http://www.w3.org/2005/Atom"><title>TOKEN</title></feed>'),
                       ("declares an unknown encoding", '<?xml version="1.0" encoding="x-bogus-99"?><rss>TOKEN</rss>')):
        path = w.name("rss", ".xml")
        path.write_text(text.replace("TOKEN", w.maybe(path, "rss", what)), encoding="utf-8")
    w.manifest.secrets.append("root:x:0:0")


def malformed_json(w: Writer, i: int) -> None:
    """Truncated, trailing commas, single quotes, deep nesting, comments; a JSON document of good and bad items."""
    lines = [good_line(w)]
    for what, raw in (("truncated", b'{"text": "Kabul fe'), ("trailing comma", b'{"text": "Kabul",}'),
                      ("single quotes", b"{'text': 'Kabul'}"), ("nested 100,000 deep", b"[" * 100_000),
                      ("deep object", b'{"text": "Kabul", "x": ' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"}"),
                      ("a comment", b'// {"text": "Kabul"}'), ("a BOM inside", b'\xef\xbb\xbf{"text": "x"}{')):
        lines += [bad_line(w, "json", what, raw), good_line(w)]
    lines_file(w, "json", lines)
    path = w.name("json", ".json")
    items = [w.good(path), "a string", w.good(path), None, {"text": 5}]
    path.write_bytes(json.dumps(items).encode())
    for number in (2, 4, 5):
        w.bad(path, "json", "a bad item in a JSON list", f"item {number}")
    for what, raw in (("truncated document", b'[{"text": "Kabul"'), ("deep document", b"[" * 100_000 + b"]" * 100_000)):
        path = w.name("json", ".json")
        path.write_bytes(raw)
        w.bad(path, "json", what)


def unsupported(w: Writer, i: int) -> None:
    """Files no reader takes: skipped, each with its reason."""
    for suffix in (".pdf", ".docx", "", ".txt.gz", ".csv"):
        path = w.name("unsupported", suffix)
        path.write_bytes(b"%PDF-1.4 Kabul" if suffix == ".pdf" else b"Kabul fell.")
        w.bad(path, "unsupported", f"unsupported {suffix or 'no extension'}")


def odd_texts(w: Writer, i: int) -> None:
    """Good records whose text is hostile to the analysis: one long token, thousands of sentences, combining marks,
    right-to-left, huge numbers, impossible dates, only place names, only punctuation."""
    texts = ("x" * 20_000, "Kabul. " * 3_000, "Z\u0334\u0327\u031b" * 3_000, "\u202eلشکرگاه\u202c " * 500,
             "9" * 400 + " people were killed in Kunduz.", "On 31 February 2021 and in the year 99999 Kabul fell.",
             ", ".join(["Kabul", "Kandahar", "Herat", "Kunduz"] * 600), "?!… — ;;; ((( ))) " * 200,
             "Fighting on 9999-12-31 and 0001-01-01 near Kabul on Monday.", "\U0001F4A5" * 5_000)
    chosen = [texts[(i + k) % len(texts)] for k in range(3)]
    lines_file(w, "odd_texts", [good_line(w, exact=False, text=text) for text in chosen])


KINDS: dict[str, Callable[[Writer, int], None]] = {
    "huge": huge, "empty": empty, "binary": binary, "misencoded": misencoded, "names": bad_names,
    "surrogates": surrogates, "separators": separators, "huge_integers": huge_integers, "wrong_types": wrong_types,
    "symlinks": symlinks, "html": html, "rss": rss, "json": malformed_json, "unsupported": unsupported,
    "odd_texts": odd_texts,
}


def write_corpus(root: Path, hostile: int, seed: int = 19, limits: Limits | None = None,
                 kinds: Iterable[str] | None = None) -> Manifest:
    """A corpus of at least ``hostile`` hostile parts (every kind in turn) mixed with good records, under ``root``."""
    w = Writer(Path(root), seed, limits or Limits())
    chosen = list(kinds or KINDS)
    i = 0
    while len(w.manifest.hostile) < hostile:
        KINDS[chosen[i % len(chosen)]](w, i // len(chosen))
        i += 1
    return w.manifest


def write_clean(root: Path, manifest: Manifest, per_file: int = 500) -> list[str]:
    """The good records of ``manifest`` alone, as JSON-lines files of ``per_file`` records under ``root`` (a clean run
    to compare against); the inputs to pass."""
    root.mkdir(parents=True, exist_ok=True)
    records = [{k: v for k, v in r.items() if k in ("id", "title", "text", "published", "outlet", "url")}
               for r in manifest.records.values()]
    for start in range(0, len(records), per_file):
        (root / f"{start // per_file:05d}.jsonl").write_bytes(jsonl(records[start:start + per_file]))
    return [str(root)]


# -- the account ---------------------------------------------------------------------------------------------------

@dataclass
class Account:
    """What a run did with a corpus, against its manifest."""
    good: int = 0
    stored: int = 0
    lost: list[str] = field(default_factory=list)                # good tokens not in the store
    lost_unexplained: list[str] = field(default_factory=list)    # ... with no failure or warning for their file
    altered: list[str] = field(default_factory=list)             # stored with a text other than the one written
    unreported: list[Hostile] = field(default_factory=list)      # hostile parts neither reported nor stored
    leaked: list[str] = field(default_factory=list)              # secrets that reached the store

    def figures(self) -> dict[str, Any]:
        return {"good_records": self.good, "good_stored": self.stored, "good_lost": len(self.lost),
                "good_lost_without_reason": len(self.lost_unexplained), "good_altered": len(self.altered),
                "failures_not_reported": len(self.unreported), "secrets_leaked": len(self.leaked)}


def account(manifest: Manifest, summary: dict[str, Any], texts: Iterable[str]) -> Account:
    """Check a run's ``summary`` (``run --json``) and the stored article ``texts`` against ``manifest``."""
    found: dict[str, str] = {}
    secrets = set()
    for text in texts:
        for token in TOKEN.findall(text) + re.findall(r"MAYBE\d{12}", text):
            found[token] = text
        secrets |= {s for s in manifest.secrets if s in text}
    failed = {f["path"] for f in summary.get("failures", [])}
    warned: dict[str, list[str]] = {}
    for item in summary.get("warnings", []):
        warned.setdefault(item["path"], []).append(item["warning"])
    result = Account(good=len(manifest.good), leaked=sorted(secrets))
    for token, path in manifest.good.items():
        if token in found:
            result.stored += 1
            expected = manifest.exact.get(token)
            if expected is not None and _normal(expected) not in _normal(found[token]):
                result.altered.append(token)
            continue
        result.lost.append(token)
        if path not in failed and path not in warned:
            result.lost_unexplained.append(token)
    for part in manifest.hostile:
        if part.path in failed:
            continue
        warnings = warned.get(part.path, [])
        said = any(w.startswith(f"{part.where}:") for w in warnings) if part.where else bool(warnings)
        if said or (part.token and part.token in found and not part.must_warn):
            continue
        result.unreported.append(part)
    return result


def _normal(text: str) -> str:
    import unicodedata
    return " ".join(unicodedata.normalize("NFC", text).split())
