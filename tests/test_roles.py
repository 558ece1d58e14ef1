"""One role vocabulary (issue 12): suites, profiling and linkage read dataclean.roles."""

from __future__ import annotations

from dataclean import profile, registry, roles, suite
from dataclean.linkage import config, prepare, report


def test_every_module_uses_the_one_vocabulary():
    assert suite.ROLES is roles.SUITE_ROLES
    assert config.ROLES is roles.LINKAGE_ROLES and config.MULTI_ROLES is roles.MULTI_ROLES
    assert profile._LINKAGE_ROLES is roles.IDENTIFYING_ROLES
    assert report._IDENTIFIER_ROLES is roles.IDENTIFIER_ROLES


def test_linkage_features_exist_exactly_for_identifying_roles():
    assert set(prepare.ROLE_FEATURES) == set(roles.IDENTIFYING_ROLES)


def test_kinds_are_registered_field_kinds():
    kinds = {r.kind for r in roles.ROLES.values() if r.kind}
    assert kinds <= set(registry.kinds())
    assert roles.kind_of("forename") == "person_name" and roles.kind_of("nonsense") is None


def test_flags_are_consistent():
    for r in roles.ROLES.values():
        assert r.suite or r.linkage, r
        if r.multi or r.identifying:
            assert r.linkage, r  # only a linkage block lists columns or gives features
        if r.identifier:
            assert r.identifying, r


def test_suite_rejects_a_linkage_only_role(tmp_path):
    import pytest

    from dataclean.exceptions import ConfigError

    with pytest.raises(ConfigError, match="unknown role 'attribute'"):
        suite.Suite.from_dict(
            {"dataclean_suite": 1, "name": "t", "columns": {"a": {"role": "attribute"}}}, source="t.yml"
        )
    assert config.LinkageConfig.from_dict({"columns": {"attribute": ["a", "b"]}}).columns["attribute"] == ("a", "b")
