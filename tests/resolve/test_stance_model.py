"""The learned stance model: shipped JSON weights, the numpy tree walker, and its predictions on
invented sentence pairs (no corpus text)."""

import json
from importlib import resources

import numpy as np
import pytest

from crosscheck.resolve.stance_model import (
    LABELS,
    StanceModel,
    Trees,
    load_model,
    predict_stance,
    stem,
)

QUAKE = "A magnitude 6.1 earthquake struck the northern coast of Peru on Tuesday"
MAYOR = "The mayor of Lakeview resigned after the bribery scandal"


def test_stance_model_weights_are_small_plain_json():
    path = resources.files("crosscheck.data").joinpath("stance_model.json")
    raw = path.read_bytes()
    assert len(raw) < 5_000_000
    assert not raw.startswith(b"\x80")  # not a pickle
    data = json.loads(raw)
    assert "FNC-1 train" in data["meta"]["trained_on"]
    assert data["stance_labels"] == ["agree", "disagree", "discuss"]


def test_stance_model_tree_walker_matches_hand_computation():
    tree = {"k": 0, "f": [0, -1, -1], "t": [0.5, 0, 0], "l": [1, -1, -1], "r": [2, -1, -1], "v": [0, -2.0, 3.0]}
    trees = Trees.from_json({"baseline": [0.5], "trees": [tree, tree]})
    x = np.array([[0.2], [0.5], [0.9]])
    assert trees.raw(x)[:, 0].tolist() == [-3.5, -3.5, 6.5]  # equal to threshold goes left
    assert [trees.raw_one([v])[0] for v in (0.2, 0.5, 0.9)] == [-3.5, -3.5, 6.5]
    p = trees.proba(x)
    assert p[2, 1] == pytest.approx(1 / (1 + np.exp(-6.5)))
    assert np.allclose(p.sum(axis=1), 1.0)


def test_stance_model_stem_joins_inflections():
    assert stem("denies") == stem("denied")
    assert stem("reports") == stem("reported") == "report"
    assert stem("news") == "news"  # short words are left alone


def test_stance_model_batch_and_single_row_agree():
    model = load_model()
    pairs = [
        (QUAKE, "Residents fled as the quake shook Peru's northern coast."),
        (MAYOR, "Ticket prices for the summer music festival went up again."),
    ]
    x = model.matrix(pairs)
    assert x.shape == (2, len(model.feature_names))
    batch = model.predict(x)
    single = [model.predict_one([float(v) for v in row]) for row in x]
    assert [b[0] for b in batch] == [s[0] for s in single]
    assert all(b[1] == pytest.approx(s[1]) for b, s in zip(batch, single, strict=True))


def test_stance_model_unrelated_text_is_unrelated():
    label, conf = predict_stance(
        QUAKE, "The city council approved a new budget for public libraries and swimming pools next year."
    )
    assert label == "unrelated"
    assert conf > 0.8


def test_stance_model_related_text_is_not_unrelated():
    label, conf = predict_stance(
        QUAKE,
        "A magnitude 6.1 earthquake hit the northern coast of Peru on Tuesday, the "
        "national seismology institute said, damaging homes in two fishing towns.",
    )
    assert label in {"supports", "discusses"}
    assert 0.0 <= conf <= 1.0


def test_stance_model_confirmation_supports():
    label, _ = predict_stance(
        MAYOR, "Lakeview mayor Anna Berg resigned on Friday, days after prosecutors charged her with taking bribes."
    )
    assert label == "supports"


def test_stance_model_denial_leans_to_refutes():
    model = load_model()
    x = model.matrix(
        [
            (
                MAYOR,
                "Lakeview mayor Anna Berg resigned on Friday, days after prosecutors charged her with taking bribes.",
            ),
            (
                MAYOR,
                "Lakeview mayor Anna Berg denied that she had resigned, calling the reports a "
                "hoax and the bribery allegations false.",
            ),
        ]
    )
    p = model.proba(x)  # agree, disagree, discuss, unrelated
    assert p[1, 1] > p[0, 1] * 3
    assert p[1, 0] < p[0, 0]


def test_stance_model_handles_empty_text():
    model: StanceModel = load_model()
    label, conf = model.predict_one(model.features(model.prepare(""), model.prepare("")))
    assert label in LABELS
    assert 0.0 <= conf <= 1.0
    assert predict_stance("", "Some text about a flood.")[0] in LABELS.values()
