"""gridmap.i18n: every code has a Chinese and an English label; English is complete."""

from __future__ import annotations

import enum
import re
import string

import pytest

from gridmap import domain
from gridmap.i18n import LABEL_KINDS, LANGUAGES, MESSAGES, keys, label, labels, normalise_language, t

DOMAIN_ENUMS = [obj for obj in vars(domain).values()
                if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == domain.__name__]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_domain_enum_is_labelled() -> None:
    assert DOMAIN_ENUMS, "domain defines enums"
    for enum_type in DOMAIN_ENUMS:
        for member in enum_type:
            for lang in LANGUAGES:
                text = label(member, lang=lang)
                assert text and text != member.value, f"{enum_type.__name__}.{member.name} has no {lang} label"


@pytest.mark.parametrize("kind", list(LABEL_KINDS))
def test_every_code_of_every_kind_has_both_labels(kind: str) -> None:
    for code in LABEL_KINDS[kind]:
        for lang in LANGUAGES:
            assert f"{kind}.{code}" in MESSAGES[lang], f"missing {lang} label for {kind}.{code}"


def test_kinds_cover_categories_departments_and_layers() -> None:
    assert set(LABEL_KINDS["category"]) == set(domain.CATEGORIES)
    assert set(LABEL_KINDS["department"]) == set(domain.DEPARTMENTS)
    assert set(LABEL_KINDS["layer"]) == set(domain.LAYERS)


def test_no_key_is_missing_in_english_and_none_is_extra() -> None:
    assert keys("zh") - keys("en") == set()
    assert keys("en") - keys("zh") == set()


def test_no_label_kind_has_stray_keys() -> None:
    """A key like ``issue_status.foo`` for a code the domain no longer has is dead text."""
    for key in keys("zh"):
        kind, _, code = key.partition(".")
        if kind in LABEL_KINDS:
            assert code in LABEL_KINDS[kind], f"{key} labels no code of domain kind {kind!r}"


@pytest.mark.parametrize("key", sorted(keys("zh")))
def test_translations_have_the_same_placeholders(key: str) -> None:
    assert _placeholders(MESSAGES["zh"][key]) == _placeholders(MESSAGES["en"][key]), key


def test_chinese_labels_are_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    for kind, codes in LABEL_KINDS.items():
        for code in codes:
            assert han.search(MESSAGES["zh"][f"{kind}.{code}"]), f"{kind}.{code} zh label has no Chinese"


@pytest.mark.parametrize(
    ("kind", "code", "zh"),
    [
        ("level", "county", "县"),
        ("level", "town", "乡镇(街道)"),
        ("level", "village", "村(社区)"),
        ("level", "grid", "网格"),
        ("level", "micro", "微网格"),
        ("risk", "orange", "橙"),
        ("risk", "blue", "蓝"),
        ("risk", "cyan", "青"),
        ("issue_status", "reported", "已上报"),
        ("issue_status", "accepted", "已受理"),
        ("issue_status", "dispatched", "已派遣"),
        ("issue_status", "in_progress", "处置中"),
        ("issue_status", "resolved", "已处置"),  # not 办结 (concluded): it still awaits verification
        ("issue_status", "verified", "已核查"),
        ("issue_status", "closed", "已关闭"),
        ("issue_status", "returned", "已退回"),
        ("issue_status", "duplicate", "重复"),
        ("issue_status", "invalid", "无效"),
    ],
)
def test_fixed_chinese_wording(kind: str, code: str, zh: str) -> None:
    assert label(kind, code) == zh


def test_t_defaults_to_chinese_fills_placeholders_and_rejects_unknown_keys() -> None:
    assert t("overview.title") == "总览"
    assert t("overview.title", "en") == "Overview"
    assert t("overview.title", "zh-CN") == "总览"
    assert t("overview.title", "fr") == "总览"
    assert t("overview.plan_version", "en", version=3) == "Current grid plan: version 3"
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        t("no.such.key")


def test_label_forms() -> None:
    assert label(domain.IssueStatus.RESOLVED, lang="en") == "Resolved"
    assert label("category", "fire_safety") == "消防安全"
    assert label("category", "brand_new_code") == "brand_new_code"  # imported data with a new code
    assert list(labels("severity", "en")) == ["low", "medium", "high"]
    with pytest.raises(ValueError, match="unknown label kind"):
        label("colour", "red")


@pytest.mark.parametrize(("given", "expected"), [(None, "zh"), ("", "zh"), ("en-US", "en"), ("zh_CN", "zh")])
def test_normalise_language(given: str | None, expected: str) -> None:
    assert normalise_language(given) == expected
