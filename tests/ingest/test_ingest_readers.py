"""Readers for each input kind, metadata layering, normalisation, language, decoding."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.errors import InputError
from crosscheck.ingest import Draft, IngestOptions, Skipped, iter_drafts, make_document, normalise_text
from crosscheck.ingest.files import decode
from crosscheck.ingest.html import html_to_text, read_html
from crosscheck.ingest.language import detect_language
from crosscheck.ingest.text import read_jsonl, read_markdown

REPORT = (
    "Rescue teams reached the flooded villages of the Tirevo valley on Thursday after the "
    "river burst its banks, the provincial governor said. About 1,200 people spent the "
    "night in school buildings and a sports hall, and the army sent boats to reach homes "
    "cut off by the water. Officials warned that more rain was forecast for the weekend."
)

# A past date: trafilatura (htmldate) rejects publication dates after today.
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<title>Floods cut off Tirevo valley | Northern Herald</title>
<meta property="og:title" content="Floods cut off Tirevo valley">
<meta property="og:site_name" content="Northern Herald">
<meta name="author" content="Mara Lindgren">
<meta property="article:published_time" content="2025-04-17T09:30:00Z">
<link rel="canonical" href="https://herald.example/2031/04/17/tirevo-floods">
<script>window.analytics = {{id: "UA-1"}};</script>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<main><article>
<h1>Floods cut off Tirevo valley</h1>
<p>{REPORT}</p>
<p>The governor said a damaged bridge on the valley road would take weeks to repair, and that
a temporary crossing would be built by army engineers.</p>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/x">Ten best hiking trails of the summer</a></li></ul></aside>
<div class="ad">Advertisement: Cheap flights to the coast, book now</div>
</main>
<footer><p>Copyright 2031 Northern Herald. All rights reserved.</p></footer>
</body></html>"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Valley Wire</title><link>https://wire.example/</link><language>en-gb</language>
<item><title>Bridge closed after floods</title><link>https://wire.example/a/1</link>
<pubDate>Fri, 18 Apr 2031 07:15:00 GMT</pubDate><author>desk@wire.example (River Desk)</author>
<description>&lt;p&gt;The valley bridge was &lt;b&gt;closed&lt;/b&gt; on Friday.&lt;/p&gt;&lt;p&gt;Engineers inspect it today.&lt;/p&gt;&lt;script&gt;track()&lt;/script&gt;</description></item>
<item><title>Boats reach stranded homes</title><link>https://wire.example/a/2</link>
<pubDate>Sat, 19 Apr 2031 10:00:00 GMT</pubDate><source url="https://coast.example/rss">Coast Courier</source>
<description>Army boats reached 40 homes cut off by the water.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Relief Monitor</title><id>urn:relief</id>
<updated>2031-04-20T00:00:00Z</updated>
<entry><title>Shelters open in Mirabad</title><id>urn:relief:1</id>
<link href="https://relief.example/shelters"/><published>2031-04-20T08:00:00Z</published>
<updated>2031-04-20T09:00:00Z</updated><author><name>Ana Ruiz</name></author>
<content type="html">&lt;p&gt;Three shelters opened in Mirabad, housing 900 people.&lt;/p&gt;</content></entry>
</feed>"""


def drafts(source: Path | str, **overrides: str) -> list[Draft | InputError | Skipped]:
    return list(iter_drafts(str(source), IngestOptions(overrides=overrides)))


def only_draft(source: Path | str, **overrides: str) -> Draft:
    items = drafts(source, **overrides)
    assert len(items) == 1 and isinstance(items[0], Draft), items
    return items[0]


def test_ingest_plain_text_title_is_first_line(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Floods cut off valley\n\n" + REPORT, encoding="utf-8")
    doc = make_document(only_draft(path))
    assert doc.title == "Floods cut off valley"
    assert doc.origin == str(path)
    assert doc.text.startswith("Floods cut off valley\n\nRescue teams")
    assert doc.id == "d" + doc.sha256[:15]


def test_ingest_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\noutlet: Valley Post\ntitle: Boats reach homes\npublished: 2031-04-19\nlanguage: en\n"
        "author: Ilse Brandt\nurl: https://post.example/boats\nunrelated: ignored\n---\n"
        f"# Boats reach homes\n\nThe **army** sent [boats](https://x.example) to the valley. {REPORT}\n",
        encoding="utf-8",
    )
    doc = make_document(only_draft(path))
    assert (doc.outlet, doc.title, doc.published, doc.language, doc.author, doc.url) == (
        "Valley Post",
        "Boats reach homes",
        "2031-04-19",
        "en",
        "Ilse Brandt",
        "https://post.example/boats",
    )
    assert doc.text.startswith("Boats reach homes\n\nThe army sent boats to the valley.")
    assert "---" not in doc.text and "unrelated" not in doc.text and "](" not in doc.text


def test_ingest_markdown_crlf_and_empty_front_matter() -> None:
    crlf = read_markdown("---\r\noutlet: Delta Times\r\n---\r\nBody text here.\r\n", "x.md")
    assert crlf.meta["outlet"] == "Delta Times"
    assert "outlet" not in crlf.text
    empty = read_markdown("---\n---\nOnly the body.\n", "y.md")
    assert empty.text.strip() == "Only the body."


def test_ingest_markdown_rules_are_not_front_matter() -> None:
    draft = read_markdown("---\nA paragraph between two rules.\n---\nMore text.\n", "rules.md")
    assert "A paragraph between two rules." in draft.text
    assert draft.meta.get("outlet") is None


def test_ingest_markdown_bad_front_matter_is_an_error() -> None:
    with pytest.raises(InputError, match="bad YAML front matter"):
        read_markdown("---\noutlet: [unclosed\n---\nText.\n", "bad.md")


def test_ingest_html_metadata_and_no_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = make_document(only_draft(path))
    assert doc.outlet == "Northern Herald"
    assert doc.title == "Floods cut off Tirevo valley"
    assert doc.author == "Mara Lindgren"
    assert doc.published is not None and doc.published.startswith("2025-04-17")
    assert doc.url == "https://herald.example/2031/04/17/tirevo-floods"
    assert doc.language == "en"
    assert "About 1,200 people spent the night" in doc.text
    assert "temporary crossing" in doc.text
    for junk in ("Home", "cookies", "analytics", "hiking trails", "Advertisement", "All rights reserved"):
        assert junk not in doc.text, junk


def test_ingest_rss_items(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(RSS, encoding="utf-8")
    first, second = (make_document(d) for d in drafts(path))  # type: ignore[arg-type]
    assert first.origin == f"{path}#https://wire.example/a/1"
    assert first.url == "https://wire.example/a/1"
    assert first.published == "2031-04-18T07:15:00"
    assert first.author is not None and "River Desk" in first.author
    assert first.outlet == "Valley Wire"
    assert first.language == "en"
    assert (
        first.text == "Bridge closed after floods\nThe valley bridge was closed on Friday.\nEngineers inspect it today."
    )
    assert "<" not in first.text and "track()" not in first.text
    assert second.outlet == "Coast Courier"  # the item names its own source


def test_ingest_atom_entry(tmp_path: Path) -> None:
    path = tmp_path / "relief.atom"
    path.write_text(ATOM, encoding="utf-8")
    doc = make_document(only_draft(path))
    assert doc.outlet == "Relief Monitor"
    assert doc.url == "https://relief.example/shelters"
    assert doc.published == "2031-04-20T08:00:00"
    assert doc.author == "Ana Ruiz"
    assert doc.text == "Shelters open in Mirabad\nThree shelters opened in Mirabad, housing 900 people."


def test_ingest_html_to_text_reduces_fragments() -> None:
    assert html_to_text("<p>One</p><p>Two &amp; three</p><style>p{}</style>") == "One\nTwo & three\n"
    assert html_to_text("no tags &lt;here&gt;") == "no tags <here>"


def test_ingest_jsonl_records(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        {
            "text": "Protesters gathered outside the assembly in Lutovo.",
            "outlet": "Metro Daily",
            "published": "2031-05-02",
            "id": "md-17",
            "language": "en",
        },
        "this line is not json",
        {"title": "no text field"},
        {"text": "A second report about the strike at the port.", "url": "https://p.example/2"},
    ]
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n")
    items = drafts(path)
    assert [type(i).__name__ for i in items] == ["Draft", "InputError", "InputError", "Draft"]
    first = make_document(items[0])  # type: ignore[arg-type]
    assert (first.origin, first.outlet, first.published) == (f"{path}#md-17", "Metro Daily", "2031-05-02")
    assert "line-2" in str(items[1]) and "invalid JSON" in str(items[1])
    assert "no 'text'" in str(items[2])
    assert items[3].origin == f"{path}#https://p.example/2"  # type: ignore[union-attr]


def test_ingest_sidecar_overrides_file_and_cli_overrides_both(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\noutlet: Front Matter Times\ntitle: From front matter\npublished: 2031-01-01\n---\n" + REPORT,
        encoding="utf-8",
    )
    (tmp_path / "story.meta.json").write_text(
        json.dumps({"outlet": "Sidecar Gazette", "published": "2031-02-02", "author": "Side Car"})
    )
    doc = make_document(only_draft(path))
    assert (doc.outlet, doc.published, doc.title, doc.author) == (
        "Sidecar Gazette",
        "2031-02-02",
        "From front matter",
        "Side Car",
    )
    doc = make_document(only_draft(path, outlet="Command Line News", title="CLI title"))
    assert (doc.outlet, doc.published, doc.title) == ("Command Line News", "2031-02-02", "CLI title")


def test_ingest_sidecar_applies_to_every_feed_item(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(RSS, encoding="utf-8")
    (tmp_path / "wire.rss.meta.json").write_text(json.dumps({"outlet": "Override Wire"}))
    assert {make_document(d).outlet for d in drafts(path)} == {"Override Wire"}  # type: ignore[arg-type]


def test_ingest_folder_skips_other_types_and_sidecars(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(REPORT)
    (folder / "a.meta.json").write_text(json.dumps({"outlet": "Inbox Weekly"}))
    (folder / "sub" / "b.md").write_text("Second report about the bridge.")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(50))
    (folder / "data.json").write_text("{}")
    items = drafts(folder)
    found = {i.origin: i for i in items if isinstance(i, Draft)}
    assert set(found) == {"inbox/a.txt", "inbox/sub/b.md"}
    assert found["inbox/a.txt"].meta["outlet"] == "Inbox Weekly"
    assert sorted(i.path for i in items if isinstance(i, Skipped)) == ["inbox/data.json", "inbox/photo.jpg"]


def test_ingest_stdin_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    for data, expect in (
        (RSS.encode(), 2),
        (PAGE.encode(), 1),
        (b"---\noutlet: Piped\n---\nText.", 1),
        (REPORT.encode("cp1252"), 1),
    ):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        items = drafts("-")
        assert len(items) == expect and all(isinstance(i, Draft) for i in items), items
        assert all(i.origin.startswith("stdin") for i in items)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (REPORT, "en"),
        ("Les équipes de secours ont atteint jeudi les villages inondés de la vallée, a indiqué le gouverneur.", "fr"),
        ("وصلت فرق الإنقاذ إلى القرى التي غمرتها المياه في الوادي يوم الخميس، بحسب المحافظ.", "ar"),
        ("تیم‌های امدادی روز پنجشنبه به روستاهای سیل‌زده در دره رسیدند، استاندار گفت که خانه‌ها آسیب دیده‌اند.", "fa"),
        ("Спасатели в четверг добрались до затопленных деревень в долине, сообщил губернатор.", "ru"),
    ],
)
def test_ingest_language_detected(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_ingest_language_unknown_for_numbers() -> None:
    assert detect_language("12 345 — 2031-04-01 …") is None


def test_ingest_language_given_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(REPORT)
    assert make_document(only_draft(path, language="de-AT")).language == "de"


def test_ingest_decode_utf8_bom_and_utf16() -> None:
    assert decode("\ufeffKöln".encode(), "x") == "Köln"
    assert decode("Köln floods".encode("utf-16"), "x") == "Köln floods"
    with pytest.raises(InputError, match="binary file"):
        decode(b"abc\x00def", "x")


# -- properties ---------------------------------------------------------------------------

TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
SPACEY = st.text(
    alphabet=st.sampled_from(list("ab é\u0301\u200b\u00a0\t\r\n\u2028\u3000\ufeffe\u0065\u2000")), max_size=60
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXTS, SPACEY))
def test_ingest_normalise_text_idempotent_and_nfc(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\r" not in once and "\n\n\n" not in once and "\u200b" not in once
    assert once == once.strip()


@settings(max_examples=100, deadline=None)
@given(st.one_of(TEXTS, SPACEY))
def test_ingest_same_text_same_document(text: str) -> None:
    a = make_document(Draft(text=text, origin="a"))
    b = make_document(Draft(text=normalise_text(text) + "\n\n", origin="b"))
    assert (a.sha256, a.id, a.text) == (b.sha256, b.id, b.text)


SAFE = (
    st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), max_codepoint=0x2FF),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=150, deadline=None)
@given(outlet=SAFE, title=SAFE, body=st.lists(SAFE, min_size=1, max_size=5))
def test_ingest_markdown_front_matter_roundtrip(outlet: str, title: str, body: list[str]) -> None:
    front = json.dumps({"outlet": outlet, "title": title}, ensure_ascii=False)  # JSON is YAML
    text = "\n\n".join(body)
    draft = read_markdown(f"---\n{front}\n---\n{text}\n", "p.md")
    assert draft.meta["outlet"] == outlet
    assert draft.meta["title"] == title
    assert normalise_text(draft.text) == normalise_text(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_ingest_markdown_never_crashes(text: str) -> None:
    try:
        draft = read_markdown(text, "any.md")
    except InputError as exc:
        assert "front matter" in str(exc)
    else:
        assert isinstance(draft.text, str)


def test_ingest_jsonl_then_html_reader_error_names_input() -> None:
    items = list(read_jsonl('{"text": 5}\n', "feed.jsonl"))
    assert isinstance(items[0], InputError) and str(items[0]).startswith("feed.jsonl#line-1:")
    with pytest.raises(InputError, match="^blank.html: HTML page has no main text$"):
        read_html("<html><body></body></html>", "blank.html")
