"""Relations between the actors of one document, read from the dependency parse.

Appositions and copulas carry most of them: "A, B and C, all components of D" (part_of),
"X, a senior official in the armed wing of Y" (member_of), "X, commander of Y" / "the
commander of Y, X" / "Y commander X" / "led by X" (leader_of), "X, spokeswoman for Y"
(spokesperson_of), "Y-backed X" / "X, affiliated with Y" (affiliated_with), "the M of N"
(part_of), "X, a city in Y" and "Y's X" for an organisation (located_in). "The same group"
points back to the last organisation named. Word lists: data/entity_kinds.yaml `relations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Doc, Token

from crosscheck.nlp.entities import DocEntity

__all__ = ["RelationMention", "extract_relations"]

_DATA = Path(__file__).resolve().parent.parent / "data" / "entity_kinds.yaml"
_ORGS = frozenset({"ORG", "NORP"})
_PLACES = frozenset({"GPE", "LOC", "FAC"})
_OBJ_PREPS = frozenset({"of", "in", "for", "within", "with", "from", "at", "inside"})


@dataclass(frozen=True, slots=True, kw_only=True)
class RelationMention:
    """`subject` and `object` index the entity list; `evidence` is the sentence's char span."""

    subject: int
    predicate: str
    object: int
    evidence: tuple[int, int]


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    raw: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    out = {k: frozenset(v) for k, v in raw["relations"].items()}
    out["place_nouns"] = frozenset(raw["place_nouns"])
    return out


class _Reader:
    """The state one document needs: which token belongs to which entity."""

    def __init__(self, doc: Doc, entities: list[DocEntity]) -> None:
        self.doc = doc
        self.entities = entities
        self.tok: dict[int, int] = {}
        self.roots: list[tuple[Token, int]] = []
        for i, ent in enumerate(entities):
            for start, end in ent.mentions:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for t in span:
                    self.tok.setdefault(t.i, i)
                self.roots.append((span.root, i))
        self.out: dict[tuple[int, str, int, tuple[int, int]], RelationMention] = {}

    def ent(self, t: Token | None) -> int | None:
        return None if t is None else self.tok.get(t.i)

    def typ(self, i: int) -> str:
        return self.entities[i].type

    def add(self, s: int | None, pred: str, o: int | None, at: Token) -> None:
        if s is None or o is None or s == o:
            return
        sent = at.sent
        ev = (sent.start_char, sent.end_char)
        self.out.setdefault((s, pred, o, ev), RelationMention(subject=s, predicate=pred, object=o, evidence=ev))

    def group_ents(self, t: Token) -> list[int]:
        """The entity at `t` and at each token coordinated with it ("A, B and C")."""
        out = []
        for x in (t, *t.conjuncts):
            e = self.ent(x)
            if e is not None and e not in out:
                out.append(e)
        return out

    def last_org_before(self, t: Token, exclude: set[int]) -> int | None:
        """The organisation an 'its' / 'the group's' at `t` points to: the only one its sentence
        names, if there is one. Otherwise the subject is the preferred antecedent (centering theory, Grosz, Joshi & Weinstein 1995): the last
        organisation that is a clause subject earlier in this sentence or in the one before,
        else the last organisation named. Outlets are never antecedents."""
        sent = t.sent
        named = {
            i
            for root, i in self.roots
            if sent.start <= root.i < sent.end
            and self.typ(i) == "ORG"
            and i not in exclude
            and self.entities[i].kind != "media"
        }
        if len(named) == 1:  # the one organisation its own sentence names, before or after it
            return named.pop()
        best: tuple[int, int] | None = None
        subject: tuple[int, int] | None = None
        prev_start = self.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        for root, i in self.roots:
            if root.i >= t.i or self.typ(i) != "ORG" or i in exclude or self.entities[i].kind == "media":
                continue
            if best is None or root.i > best[0]:
                best = (root.i, i)
            if (
                root.i >= prev_start
                and root.dep_ in ("nsubj", "nsubjpass")
                and (subject is None or root.i > subject[0])
            ):
                subject = (root.i, i)
        pick = subject or best
        return pick[1] if pick else None

    def target(self, noun: Token, subj: set[int], kinds: frozenset[str], depth: int = 0) -> int | None:
        """The entity a relation noun points to: 'of/in/for Y', 'Y commander', 'the same group'."""
        w = _words()
        for c in noun.children:
            if c.dep_ == "poss" and c.lower_ == "whose":
                # "the X Alliance, whose spokesman Y": the relative clause's antecedent
                up = noun
                while up.dep_ != "relcl" and up.head.i != up.i:
                    up = up.head
                e = self.ent(up.head) if up.dep_ == "relcl" else None
                if e is not None and e not in subj and self.typ(e) in kinds:
                    return e
            # "its commander", "the group's leader": the organisation named before
            if c.dep_ == "poss" and (
                c.lower_ in ("its", "their")
                or (c.lemma_.lower() in w["anaphor_nouns"] and any(d.lower_ == "the" for d in c.children))
            ):
                return self.last_org_before(noun, subj)
        owners = [
            e
            for c in noun.children
            if c.dep_ in ("compound", "poss", "nmod", "amod")
            and (e := self.ent(c)) is not None
            and e not in subj
            and self.typ(e) in kinds
        ]
        if owners:  # "Iraqi Hezbollah leader X": the organisation, not the nationality before it
            return next((e for e in owners if self.typ(e) == "ORG"), owners[0])
        for prep in noun.children:
            if prep.dep_ != "prep" or prep.lower_ not in _OBJ_PREPS:
                continue
            for p in prep.children:
                if p.dep_ != "pobj":
                    continue
                e = self.ent(p)
                if e is not None and e not in subj:
                    return e if self.typ(e) in kinds else None
                lemma = p.lemma_.lower()
                if depth < 3 and lemma in w["via_nouns"]:
                    found = self.target(p, subj, kinds, depth + 1)
                    if found is not None:
                        return found
                if lemma in w["anaphor_nouns"] and any(d.lower_ == "the" for d in p.children):
                    return self.last_org_before(p, subj)
        return None

    def subjects(self, noun: Token) -> list[int]:
        """Who a relation noun describes: its apposition partner, the noun it modifies, or the
        subject of a copula."""
        if noun.dep_ == "appos":
            return self.group_ents(noun.head)
        for c in noun.children:
            if c.dep_ == "appos" and self.ent(c) is not None:
                return self.group_ents(c)
        if noun.dep_ == "compound" and self.ent(noun.head) is not None:
            return [self.ent(noun.head)]  # type: ignore[list-item]
        if noun.dep_ == "attr" and noun.head.lemma_ in ("be", "become", "remain"):
            for c in noun.head.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    return self.group_ents(c)
        # "the head of the X Command, Maria Costa": the parser hangs the person's name on the
        # organisation; a person in apposition to the object of the role noun is its subject
        for prep in noun.children:
            for p in prep.children if prep.dep_ == "prep" else ():
                people = [self.ent(c) for c in p.children if c.dep_ == "appos" and self.ent(c) is not None]
                if p.dep_ == "pobj" and people and all(self.typ(e) == "PERSON" for e in people if e is not None):
                    return [e for e in people if e is not None]
        return []


def _leader_or_member(noun: Token, w: dict[str, frozenset[str]]) -> str:
    """'the commander of Y' leads Y; 'a (senior) commander in Y' is a member of it."""
    for c in noun.children:
        if c.dep_ == "det" and c.lower_ in ("a", "an", "another", "one"):
            return "member_of"
        if c.dep_ in ("amod", "compound", "det") and c.lower_ in w["member_qualifiers"]:
            return "member_of"
        if c.dep_ == "prep" and c.lower_ in ("in", "within", "with", "from"):
            return "member_of"
    return "leader_of"


def _nouns(r: _Reader) -> None:
    w = _words()
    for t in r.doc:
        if t.pos_ not in ("NOUN", "PROPN") or r.ent(t) is not None:
            continue
        lemma = t.lemma_.lower()
        if lemma not in w["place_nouns"] and any(
            c.dep_ in ("amod", "compound") and c.lower_ in w["leader_nouns"] and c.i < t.i for c in t.children
        ):
            lemma = "chief"  # "chief executive", "head coach": a leader noun modifying another role noun
        if lemma in w["spokes_nouns"]:
            pred, kinds = "spokesperson_of", _ORGS | _PLACES
        elif lemma in w["leader_nouns"]:
            pred, kinds = _leader_or_member(t, w), _ORGS
        elif lemma in w["member_nouns"]:
            pred, kinds = "member_of", _ORGS
        elif lemma in w["part_nouns"]:
            pred, kinds = "part_of", _ORGS
        elif lemma in w["place_nouns"]:
            pred, kinds = "located_in", _PLACES
        else:
            continue
        subj = r.subjects(t)
        if not subj:
            continue
        obj = r.target(t, set(subj), kinds)
        for s in subj:
            styp = r.typ(s)
            if pred == "part_of" and styp not in _ORGS:
                continue
            if pred in ("leader_of", "spokesperson_of") and styp != "PERSON":
                continue
            if pred == "located_in" and styp == "PERSON":
                continue
            r.add(s, pred, obj, t)


def _affiliations(r: _Reader) -> None:
    w = _words()
    for t in r.doc:
        if t.lemma_.lower() not in w["affiliation_words"] and t.lower_ not in w["affiliation_words"]:
            continue
        if t.dep_ == "amod":
            # "Y-backed X": Y hangs off the adjective, X is what it modifies
            owners = [r.ent(c) for c in t.children if c.dep_ in ("npadvmod", "compound", "nmod", "advmod")]
            if t.i >= 2 and r.doc[t.i - 1].text == "-":
                owners.append(r.ent(r.doc[t.i - 2]))
            patron = next((o for o in owners if o is not None), None)
            for s in r.group_ents(t.head):
                r.add(s, "affiliated_with", patron, t)
        elif t.dep_ in ("acl", "relcl", "amod", "appos") or (t.dep_ == "ROOT" and t.pos_ == "ADJ"):
            clients = r.group_ents(t.head)
            for prep in t.children:
                if prep.dep_ in ("prep", "agent") and prep.lower_ in ("with", "to", "by"):
                    for p in prep.children:
                        if p.dep_ == "pobj":
                            for s in clients:
                                r.add(s, "affiliated_with", r.ent(p), t)


def _led_by(r: _Reader) -> None:
    lead = _words()["lead_verbs"]
    for t in r.doc:
        if t.pos_ != "VERB" or t.lemma_.lower() not in lead:
            continue
        rel_subj = t.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ in ("who", "that") for c in t.children)
        if t.dep_ in ("acl", "relcl") and not rel_subj:
            orgs = r.group_ents(t.head)
            for agent in t.children:
                if agent.dep_ == "agent":
                    for p in agent.children:
                        if p.dep_ == "pobj":
                            boss = r.ent(p)
                            if boss is not None and r.typ(boss) == "PERSON":
                                for o in orgs:
                                    if r.typ(o) in _ORGS:
                                        r.add(boss, "leader_of", o, t)
        else:
            subj = [c for c in t.children if c.dep_ == "nsubj"]
            obj = [c for c in t.children if c.dep_ == "dobj"]
            if subj and obj and t.dep_ == "relcl" and subj[0].lower_ in ("who", "that"):
                subj = [t.head]  # "Maria Costa, who heads the X": the relative pronoun's antecedent
            if subj and obj:
                head, org = r.ent(subj[0]), r.ent(obj[0])
                if head is None or org is None:
                    continue
                if r.typ(head) == "PERSON" and r.typ(org) in _ORGS:
                    r.add(head, "leader_of", org, t)


def _speaks_for(r: _Reader) -> None:
    """'X, who speaks for Y' / 'X, speaking for Y' / 'X speaks on behalf of Y': X is Y's
    spokesperson (a grammar rule: the verb 'speak' with 'for' or 'on behalf of')."""
    for t in r.doc:
        if t.lemma_.lower() != "speak" or t.pos_ not in ("VERB", "AUX"):
            continue
        subj = [c for c in t.children if c.dep_ == "nsubj"]
        if t.dep_ in ("relcl", "acl", "advcl") and (not subj or subj[0].lower_ in ("who", "that")):
            speaker = (
                r.ent(t.head)
                if t.dep_ != "advcl"
                else next((r.ent(c) for c in t.head.children if c.dep_ == "nsubj"), None)
            )
        else:
            speaker = r.ent(subj[0]) if subj else None
        if speaker is None or r.typ(speaker) != "PERSON":
            continue
        for prep in t.children:
            if prep.dep_ != "prep":
                continue
            objs = [p for p in prep.children if p.dep_ == "pobj"]
            if prep.lower_ == "on" and objs and objs[0].lower_ == "behalf":
                objs = [
                    p
                    for q in objs[0].children
                    if q.dep_ == "prep" and q.lower_ == "of"
                    for p in q.children
                    if p.dep_ == "pobj"
                ]
            elif prep.lower_ != "for":
                continue
            for p in objs:
                e = r.ent(p)
                if e is not None and r.typ(e) in _ORGS | _PLACES and r.entities[e].kind != "media":
                    r.add(speaker, "spokesperson_of", e, t)


def _entity_links(r: _Reader) -> None:
    """'the M of N' (part_of), 'X in Y' and 'Y's X' for an organisation (located_in); 'P of N' /
    'P from N' / 'P at N' for a person (member_of: "Maria Lind of Oxfam")."""
    for root, i in r.roots:
        if r.typ(i) == "PERSON":
            for c in root.children:
                if c.dep_ == "prep" and c.lower_ in ("of", "from", "at"):
                    for p in c.children:
                        e = r.ent(p) if p.dep_ == "pobj" else None
                        if e is not None and r.typ(e) == "ORG":
                            r.add(i, "member_of", e, root)
            continue
        if r.typ(i) not in _ORGS:
            continue
        for c in root.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "in"):
                for p in c.children:
                    e = r.ent(p) if p.dep_ == "pobj" else None
                    if e is None:
                        continue
                    if c.lower_ == "of" and r.typ(e) in _ORGS and r.typ(i) == "ORG":
                        r.add(i, "part_of", e, root)
                    elif r.typ(e) in ("GPE", "LOC") and r.entities[i].type == "ORG":
                        r.add(i, "located_in", e, root)
            elif c.dep_ == "poss":
                e = r.ent(c)
                if e is not None and r.typ(e) == "GPE":
                    r.add(i, "located_in", e, root)


def _possessed_by(r: _Reader) -> None:
    """'the Home Guard, the army's volunteer reserve': an organisation in apposition to a noun
    that another organisation possesses is part of it (a grammar rule: appos + poss). Role
    nouns ("Oxfam's spokesman") are people, read by `_nouns`."""
    w = _words()
    roles = w["spokes_nouns"] | w["leader_nouns"] | w["member_nouns"]
    for t in r.doc:
        if t.pos_ != "NOUN" or t.dep_ != "appos" or r.ent(t) is not None or t.lemma_.lower() in roles:
            continue
        owner = next((r.ent(c) for c in t.children if c.dep_ == "poss" and r.ent(c) is not None), None)
        if owner is None or r.typ(owner) != "ORG":
            continue
        for s in r.group_ents(t.head):
            if r.typ(s) == "ORG":
                r.add(s, "part_of", owner, t)


def extract_relations(doc: Doc, entities: list[DocEntity]) -> list[RelationMention]:
    """Relations between `entities` (as `extract_entities` made them for `doc`), in text order."""
    r = _Reader(doc, entities)
    _nouns(r)
    _affiliations(r)
    _led_by(r)
    _entity_links(r)
    _possessed_by(r)
    _speaks_for(r)
    return sorted(r.out.values(), key=lambda m: (m.evidence, m.subject, m.object, m.predicate))
