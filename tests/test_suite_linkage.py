"""The linkage block of a suite (`dedupe:` / `link:`), parsed without the linkage engine."""

from __future__ import annotations

import pytest

from dataclean.exceptions import ConfigError
from dataclean.suite.linkage import LinkageConfig


def problems(block):
    with pytest.raises(ConfigError) as info:
        LinkageConfig.from_dict(block, source="suite.yml")
    assert str(info.value).startswith("suite.yml: ")
    return info.value.problems


def test_a_full_block_round_trips():
    block = {
        "id_column": "person_id",
        "columns": {"nhs_number": "nhs", "forename": "fn", "attribute": ["gender", "birth_place"], "address": ["a1"]},
        "training": "hybrid",
        "thresholds": {"match": 0.9, "review": 0.6},
        "blocking": ["l.dob = r.dob"],
        "survivorship": {"address": "most_recent"},
        "source_priority": ["social_care"],
        "max_comparisons": 5000,
    }
    config = LinkageConfig.from_dict(block)
    assert config.columns == {
        "nhs_number": "nhs",
        "forename": "fn",
        "attribute": ("gender", "birth_place"),
        "address": "a1",
    }
    assert config.survivorship == {"address": "most_recent", "default": "most_frequent"}
    assert (config.match_threshold, config.review_threshold, config.max_comparisons) == (0.9, 0.6, 5000)
    again = LinkageConfig.from_dict(config.to_dict())
    assert again == config
    assert LinkageConfig.from_dict({"thresholds": {"match": "auto"}}).match_threshold is None


def test_every_problem_is_reported_at_once():
    found = problems(
        {
            "colums": {},
            "columns": {"forname": "fn", "surname": ["a", "b"], "attribute": [1]},
            "id_column": 3,
            "training": "supervised",
            "thresholds": {"match": 1.5, "review": True, "other": 1},
            "blocking": "l.dob = r.dob",
            "survivorship": {"default": "newest"},
            "source_priority": "social_care",
        }
    )
    text = "\n".join(found)
    assert "linkage: unknown key 'colums'. Did you mean 'columns'?" in text
    assert "linkage.columns.forname: unknown role. Did you mean 'forename'?" in text
    assert "linkage.columns.surname: must name a column (a string), not ['a', 'b']" in text
    assert "linkage.columns.attribute: must list column names, not [1]" in text
    assert "linkage.id_column: must be a column name" in text
    assert "linkage.training: 'supervised' is not one of unsupervised, deterministic, hybrid." in text
    assert "linkage.thresholds.match: must be a probability between 0 and 1, not 1.5" in text
    assert "linkage.thresholds.review: must be a probability between 0 and 1, not True" in text
    assert "linkage.thresholds: unknown key 'other'" in text
    assert "linkage.blocking: must be a list" in text
    assert "linkage.survivorship.default: 'newest' is not one of" in text
    assert "linkage.source_priority: must be a list of source names" in text
    assert len(found) == 12


def test_review_must_be_below_match_only_when_the_rest_is_right():
    assert problems({"thresholds": {"match": 0.6, "review": 0.7}}) == ["linkage.thresholds: review must be below match"]
    found = problems({"training": "x", "thresholds": {"match": 0.6, "review": 0.7}})
    assert not any("review must be below" in p for p in found)
