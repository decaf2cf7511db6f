"""The step form with a note and photos, shared by the issue page and the hazard page.

A step of a lifecycle (受理, 派遣, 办结 ... of an issue; 整改中, 已整改 ... of a hazard) is
made with a note and optionally photos. Both pages draw the same two fields, check the
photos the same way and turn a refusal into words the same way; they differ in how the
step is chosen (a radio and one button on the issue page, one button per step on the
hazard page) and in what happens after it.

- :class:`StepFields` -- the fields' keys and words, and their shape (one line or a
  box; one photo or several).
- :func:`draw_fields` -- the note, anything the caller adds (the department to
  dispatch to, the issue this one repeats), the photo uploader.
- :func:`read_fields` -- what the user entered, with the photos through
  :func:`gridmap.uploads.accept_upload` (:func:`accepted_photos`): a :class:`StepEntry`.
- :func:`make_step` -- run the step; the outcome, and a refusal in words
  (:class:`Outcome`): photos refused, the workflow's own message (stale or illegal
  step, not permitted), or the store's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st

from gridmap.i18n import t
from gridmap.store import StoreError
from gridmap.ui.text import escape_markdown
from gridmap.uploads import Upload, UploadRejected, accept_upload
from gridmap.workflow import WorkflowError

PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]


@dataclass(frozen=True)
class StepFields:
    """The note and photo fields of one step form.

    Attributes:
        note_key, photos_key: The widgets' keys (their values are read back from the
            session state, also inside an ``st.form``).
        note_label, photos_label: Their words, in the page's language.
        several_photos: Several photos (issues) or one (hazards).
        note_height: The note box's height in pixels; None draws a one-line field.
        note_max_chars: The longest note the field takes (None: the workflow's limit applies).
    """

    note_key: str
    photos_key: str
    note_label: str
    photos_label: str
    several_photos: bool = True
    note_height: int | None = 80
    note_max_chars: int | None = None


@dataclass(frozen=True)
class StepEntry:
    """What the user entered: the note (None when empty), the photos accepted, and a
    message for each photo refused (plain text)."""

    note: str | None
    photos: list[Upload] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """How a step went: ``done``, or refused (``photos``, ``workflow``, ``store``) with the
    message in words, escaped for markdown where it quotes what the user sent."""

    kind: Literal["done", "photos", "workflow", "store"]
    message: str = ""
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.kind == "done"


def accepted_photos(files: list[Any] | None, lang: str) -> tuple[list[Upload], list[str]]:
    """The uploaded files as checked photos, and a message (plain text) for each one refused."""
    uploads: list[Upload] = []
    refused: list[str] = []
    for f in files or []:
        try:
            uploads.append(accept_upload(f.getvalue(), f.name, "image"))
        except UploadRejected as exc:
            refused.append(exc.text(lang))
    return uploads, refused


def draw_fields(fields: StepFields, between: Callable[[], None] | None = None) -> None:
    """The note, then ``between`` (the caller's own fields, if any), then the photo uploader."""
    if fields.note_height is None:
        st.text_input(fields.note_label, key=fields.note_key, max_chars=fields.note_max_chars)
    else:
        st.text_area(fields.note_label, key=fields.note_key, height=fields.note_height,
                     max_chars=fields.note_max_chars)
    if between is not None:
        between()
    st.file_uploader(fields.photos_label, type=PHOTO_TYPES, accept_multiple_files=fields.several_photos,
                     key=fields.photos_key)


def read_fields(fields: StepFields, lang: str) -> StepEntry:
    """The note and the checked photos the user entered in ``fields``."""
    state = st.session_state
    note = str(state.get(fields.note_key) or "") or None
    files = state.get(fields.photos_key)
    if files is not None and not isinstance(files, list):
        files = [files]
    photos, refused = accepted_photos(files, lang)
    return StepEntry(note, photos, refused)


def make_step(step: Callable[[StepEntry], Any], entry: StepEntry, lang: str,
              store_key: str = "issue.store_refused") -> Outcome:
    """Make the step (``step(entry)``) unless a photo was refused; a refusal in words.

    Args:
        step: Calls the workflow (``transition_issue``, ``transition_hazard``) with the
            entry's note and photos; its return value is the outcome's ``result``.
        entry: What the user entered (:func:`read_fields`).
        lang: The page's language.
        store_key: The i18n key (with ``{detail}``) for a store failure.
    """
    if entry.refused:
        return Outcome("photos", "\n\n".join(escape_markdown(m) for m in entry.refused))
    try:
        return Outcome("done", result=step(entry))
    except WorkflowError as exc:
        return Outcome("workflow", exc.text(lang))
    except StoreError as exc:
        return Outcome("store", t(store_key, lang, detail=escape_markdown(str(exc))))


__all__ = ["PHOTO_TYPES", "Outcome", "StepEntry", "StepFields", "accepted_photos", "draw_fields", "make_step",
           "read_fields"]
