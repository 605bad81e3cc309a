"""Structure lines (headings, captions, datelines, credits) are marked at ingest, offsets exact."""

from __future__ import annotations

from crosscheck.ingest import make_document
from crosscheck.ingest.html import read_html, structure_hints
from crosscheck.ingest.normalize import Draft
from crosscheck.ingest.structure import mark_structure
from crosscheck.ingest.text import read_markdown


def _marked(text: str, hints: list[tuple[str, str]] | None = None) -> dict[str, str]:
    return {text[m.start : m.end]: m.kind for m in mark_structure(text, hints or [])}


def test_structure_short_line_alone_is_a_heading() -> None:
    text = "Floods close the valley road\n\nThe river rose overnight.\n\nWorld is watching\n\nAid groups arrived."
    assert _marked(text) == {"World is watching": "heading"}


def test_structure_title_case_line_is_a_heading_but_a_sentence_is_not() -> None:
    text = "Title\nThe Long Road Back To The Northern Valley\nThe road reopened on Monday after repairs."
    assert _marked(text) == {"The Long Road Back To The Northern Valley": "heading"}


def test_structure_first_line_is_the_title_not_a_heading() -> None:
    assert _marked("Valley road reopens\n\nThe road reopened on Monday.") == {}


def test_structure_last_line_without_full_stop_is_not_a_heading() -> None:
    # a cut-off last sentence is more likely than a heading with nothing under it
    assert _marked("Title\n\nThe road reopened.\n\nPolice said five people died") == {}


def test_structure_bylines_and_end_credits() -> None:
    text = (
        "Title\n\nBy Ana Ruiz and Tom Lee\n\nThe road reopened.\n\n"
        "(Reporting by Ana Ruiz; Editing by Tom Lee)\n\nMark Bell contributed reporting."
    )
    assert _marked(text) == {
        "By Ana Ruiz and Tom Lee": "credit",
        "(Reporting by Ana Ruiz; Editing by Tom Lee)": "credit",
        "Mark Bell contributed reporting.": "credit",
    }


def test_structure_captions_and_photo_credits() -> None:
    text = "Title\n\nPhoto: J. Doe/AFP\n\nA man waits at the crossing. Ivan Petrov/Getty Images\n\nThe road reopened."
    assert _marked(text) == {
        "Photo: J. Doe/AFP": "caption",
        "A man waits at the crossing. Ivan Petrov/Getty Images": "caption",
    }


def test_structure_dateline_marks_only_its_own_words() -> None:
    text = "Title\n\nKYIV, March 3 (Reuters) - The army said the border was quiet.\n\nBEIRUT — Strikes hit the south."
    marks = mark_structure(text)
    assert [(text[m.start : m.end], m.kind) for m in marks] == [
        ("KYIV, March 3 (Reuters) -", "dateline"),
        ("BEIRUT —", "dateline"),
    ]
    assert _marked("Title\n\nLONDON (AP) -- Talks resumed.") == {"LONDON (AP) --": "dateline"}


def test_structure_hints_mark_the_line_they_name() -> None:
    text = "Title\n\nThe Situation\n\nThe road reopened, officials said."
    assert _marked(text, [("heading", "The  Situation ")]) == {"The Situation": "heading"}


def test_structure_html_headings_captions_and_bylines() -> None:
    page = (
        "<html><body><article><h1>Road reopens</h1><p class='byline'>By <a>Ana Ruiz</a></p>"
        "<h2>World is watching</h2><figure><img src=x><figcaption>Trucks wait, Monday.</figcaption></figure>"
        "<p>The road reopened.</p></article></body></html>"
    )
    assert structure_hints(page) == [
        ("heading", "Road reopens"),
        ("credit", "By Ana Ruiz"),
        ("heading", "World is watching"),
        ("caption", "Trucks wait, Monday."),
    ]


def test_structure_html_page_keeps_marks_on_its_document() -> None:
    body = " ".join(["The road through the northern valley reopened on Monday after a week of repairs."] * 4)
    page = (
        "<html><head><title>Road reopens</title></head><body><article><h1>Road reopens</h1>"
        f"<p>{body}</p><h2>Traffic builds up again in town</h2><p>{body}</p></article></body></html>"
    )
    document = make_document(read_html(page, "p.html"))
    marks = [(document.text[m.start : m.end], m.kind) for m in document.structure]
    assert ("Traffic builds up again in town", "heading") in marks


def test_structure_markdown_atx_setext_and_images() -> None:
    draft = read_markdown(
        "# Road reopens\n\nThe road reopened.\n\nA sentence heading\n---\n\n![Trucks at the pass](t.jpg)\n\nMore.\n",
        "r.md",
    )
    assert ("heading", "Road reopens") in draft.structure
    assert ("heading", "A sentence heading") in draft.structure
    assert ("caption", "Trucks at the pass") in draft.structure
    document = make_document(draft)
    marked = {document.text[m.start : m.end] for m in document.structure}
    assert {"A sentence heading", "Trucks at the pass"} <= marked


def test_structure_offsets_point_at_the_normalised_text() -> None:
    document = make_document(Draft(text="Title\r\n\r\n  By  Ana Ruiz  \r\n\r\nThe road reopened.", origin="t"))
    (mark,) = document.structure
    assert document.text[mark.start : mark.end] == "By Ana Ruiz"
