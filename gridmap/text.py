"""The one place where stored or user-supplied text is made safe for display.

- :func:`escape_html` -- for anything that reaches HTML or a JavaScript template:
  folium popups and tooltips, ``st.html``, tables rendered as HTML, map labels.
- :func:`escape_markdown` -- for Streamlit markdown (``st.markdown``, captions,
  metric labels, ``st.error`` texts).
- :func:`markdown_code` -- a value shown verbatim in code formatting inside markdown (a
  store address): backslash escapes would show inside a code span, so none are added.

Both turn any value into one line of inert text. No other module escapes on its own:
the XSS tests (``tests/test_text.py`` and the browser test) rely on every path going
through these two functions.

Braces matter as much as markup: branca wraps each rendered map script in a new
element whose constructor compiles the string as a Jinja template, so one stored
``{{``, ``{%`` or ``{#`` (in a unit name, an issue description, a hazard type, ...)
raised ``jinja2.TemplateSyntaxError`` and took the command map down for every user
who saw that row. :func:`escape_html` turns ``{`` and ``}`` into character
references, which Jinja ignores and the browser shows as typed.
"""

from __future__ import annotations

import html
import re

# Characters with a meaning in Streamlit markdown: CommonMark punctuation plus
# ``:`` (emoji and colour directives) and ``$`` (LaTeX).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")

# After html.escape, these still act inside a JavaScript template literal, which is
# where folium puts Tooltip text: `` ` `` ends the literal, ``${`` opens an expression
# and ``\`` starts an escape. Braces open Jinja tags when branca compiles the rendered
# script as a template (``{{``, ``{%``, ``{#``). Numeric character references are
# inert in all three places.
_TEMPLATE_ACTIVE = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
# Any character escape_html changes; text without one is returned as it is (a map of a
# county escapes tens of thousands of names and numbers per view).
_HTML_ACTIVE = re.compile(r"[&<>\"'`$\\{}]")


def escape_html(text: object) -> str:
    """``text`` as inert HTML: markup, quotes, backticks, ``$``, ``\\`` and braces escaped.

    Args:
        text: Any value; ``None`` becomes an empty string.

    Returns:
        Text that shows exactly as typed in HTML, in an attribute, inside a
        JavaScript template literal (the folium ``Tooltip`` case), and in a script
        that branca compiles as a Jinja template (no ``{`` or ``}`` left).
    """
    if text is None:
        return ""
    value = str(text)
    if _HTML_ACTIVE.search(value) is None:
        return value
    escaped = html.escape(value, quote=True)
    return "".join(_TEMPLATE_ACTIVE.get(ch, ch) for ch in escaped)


def escape_markdown(text: object) -> str:
    """``text`` with every markdown-active character backslash-escaped, on one line.

    Use it for stored or user-supplied text placed in ``st.markdown``, ``st.caption``,
    metric labels and the like, so a name such as ``[点我](javascript:...)`` shows as
    typed instead of becoming a link.

    Args:
        text: Any value; ``None`` becomes an empty string.

    Returns:
        The escaped text, on one line.
    """
    if text is None:
        return ""
    one_line = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)


def markdown_code(text: object) -> str:
    """``text`` as one inline code span for Streamlit markdown, shown exactly as typed.

    Inside a code span markdown is not interpreted and backslashes are literal, so
    :func:`escape_markdown` there would show its backslashes (``sqlite\\:///...``).
    The only way out of a code span is a run of backticks as long as its fence: the
    fence here is one backtick longer than any run in ``text`` (CommonMark), padded
    with a space when ``text`` starts or ends with a backtick.

    Args:
        text: Any value; ``None`` becomes an empty span; line breaks become spaces.

    Returns:
        The code span, on one line.
    """
    one_line = " ".join(("" if text is None else str(text)).split())
    runs = [len(r) for r in re.findall(r"`+", one_line)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"
