"""Refusals of the workflow, in words for the user (Chinese and English).

Every refusal carries an i18n key and its values; domain codes among the values
(statuses, roles, departments) are :class:`Coded` and rendered as their labels in the
language asked for, so ``text("zh")`` reads 不能从“已上报”直接变为“已关闭”. ``str(exc)``
is the Chinese sentence, then the English one (for logs and the CLI).

Each refusal is also one of the store's kinds (:class:`~gridmap.access.PermissionDenied`,
:class:`~gridmap.store.ScopeError`, :class:`~gridmap.store.NotFound`,
:class:`~gridmap.store.StoreError`), so code that catches those keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gridmap.access import PermissionDenied
from gridmap.i18n import DEFAULT_LANGUAGE, label, t
from gridmap.store.base import NotFound, ScopeError, StoreError


@dataclass(frozen=True)
class Coded:
    """A domain code shown by its label: ``Coded("issue_status", "reported")`` -> 已上报."""

    kind: str
    code: str

    def text(self, lang: str | None) -> str:
        return label(self.kind, self.code, lang)


@dataclass(frozen=True)
class Words:
    """An i18n key shown in the same language (``Words("workflow.thing.issues")`` -> 事件),
    with optional values of its own."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str | None) -> str:
        return t(self.key, lang, **{k: _render(v, lang) for k, v in self.params})


@dataclass(frozen=True)
class Listed:
    """Several values joined with the language's list separator (empty: "(none)")."""

    items: tuple[Coded | Words | str, ...]

    def text(self, lang: str | None) -> str:
        if not self.items:
            return t("workflow.no_choices", lang)
        sep = "、" if (lang or DEFAULT_LANGUAGE).startswith("zh") else ", "
        return sep.join(_render(i, lang) for i in self.items)


def listed(items: Iterable[Coded | Words | str]) -> Listed:
    return Listed(tuple(items))


def _render(value: Any, lang: str | None) -> Any:
    return value.text(lang) if isinstance(value, Coded | Words | Listed) else value


class WorkflowError(StoreError):
    """A step or report was refused; :meth:`text` says why in one language.

    Attributes:
        key: The i18n key (``workflow.*``).
        params: Its values (codes as :class:`Coded`).
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params: Mapping[str, Any] = params
        super().__init__(f"{self.text('zh')}\n{self.text('en')}")

    def text(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """The refusal in ``lang`` (``"zh"`` or ``"en"``)."""
        return t(self.key, lang, **{k: _render(v, lang) for k, v in self.params.items()})


class IllegalStep(WorkflowError):
    """The lifecycle has no such step (``reported -> closed``), or the status is final."""


class StepNotPermitted(WorkflowError, PermissionDenied):
    """The user's role may not make this step (the message says who may)."""


class OutsideJurisdiction(WorkflowError, ScopeError):
    """The position or row lies outside the user's jurisdiction."""


class RowNotFound(WorkflowError, NotFound):
    """No such row in the user's view (scope, and department for department handlers)."""


class BadInput(WorkflowError):
    """A value of the request is wrong (category, channel, position, length)."""


__all__ = [
    "BadInput",
    "Coded",
    "IllegalStep",
    "Listed",
    "OutsideJurisdiction",
    "RowNotFound",
    "StepNotPermitted",
    "Words",
    "WorkflowError",
    "listed",
]
