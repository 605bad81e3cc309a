"""Origins and status: each rule of DESIGN.md "Meanings" on hand-built chains and members."""

from crosscheck.resolve.origins import ChainLink, origin_of
from crosscheck.resolve.status import Member, cluster_status


def test_origins_innermost_named_source_wins():
    chain = [ChainLink("the agency", "named", "Harbour News Agency"), ChainLink("port officials", "anonymous")]
    assert origin_of(chain, "Daily Courier").name == "Harbour News Agency"
    chain = [
        ChainLink("Daily Courier", "named", "Daily Courier"),
        ChainLink("the agency", "named", "Harbour News Agency"),
    ]
    assert origin_of(chain, "Evening Star").name == "Harbour News Agency"


def test_origins_anonymous_source_is_qualified_by_the_outlet():
    origin = origin_of([ChainLink("two officials", "anonymous")], "Evening Star")
    assert origin.kind == "anonymous"
    assert origin.name == "two officials, per Evening Star"
    other = origin_of([ChainLink("two officials", "anonymous")], "Daily Courier")
    assert other.name != origin.name  # different outlets: different origins


def test_origins_uncited_statement_is_the_outlets():
    origin = origin_of([ChainLink("Evening Star", "outlet")], "Evening Star")
    assert (origin.name, origin.kind) == ("Evening Star", "outlet")


def _m(claim, stance, origin, kind="named"):
    return Member(claim, stance, origin, kind)


def test_status_corroborated_needs_two_independent_origins():
    status = cluster_status([_m("a", "supports", "Agency A"), _m("b", "supports", "Agency B")])
    assert status.status == "corroborated"
    assert status.origins == ("Agency A", "Agency B")
    assert "2 independent origins" in status.reason


def test_status_one_origin_repeated_is_single_source():
    members = [_m("a", "supports", "Agency A"), _m("b", "supports", "Agency A"), _m("c", "supports", "Agency A")]
    status = cluster_status(members)
    assert status.status == "single_source"
    assert status.origins == ("Agency A",)


def test_status_contested_and_denied():
    contested = cluster_status([_m("a", "supports", "Agency A"), _m("b", "refutes", "Ministry")])
    assert contested.status == "contested"
    assert contested.refuted_by == ("Ministry",)
    assert "Refuted by: Ministry" in contested.reason
    denied = cluster_status([_m("b", "refutes", "Ministry")])
    assert denied.status == "denied"


def test_status_unattributed_when_only_outlets_speak():
    status = cluster_status(
        [_m("a", "supports", "Evening Star", "outlet"), _m("b", "supports", "Daily Courier", "outlet")]
    )
    assert status.status == "unattributed"


def test_status_discussion_alone_supports_nothing():
    status = cluster_status([_m("a", "discusses", "Agency A")])
    assert status.origins == ()
    assert status.status == "unattributed"
