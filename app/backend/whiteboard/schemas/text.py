"""Plain-text fields: markup is refused rather than stored.

NUL characters and unpaired UTF-16 surrogates are refused too: PostgreSQL cannot
store the first, and the second is not text at all.
"""

import re
from typing import Annotated

from pydantic import AfterValidator

# A tag such as <b>, </div> or <img ...>, a comment or a processing instruction.
MARKUP = re.compile(r"<[/!?]?[A-Za-z][^<>]*>|<!--|<\?")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def refuse_unstorable(value: str) -> str:
    """Return ``value`` unless it holds a NUL character or an unpaired surrogate."""
    if UNSTORABLE.search(value):
        raise ValueError("must not contain NUL characters or unpaired surrogates")
    return value


def refuse_markup(value: str) -> str:
    """Return ``value`` unless it contains markup."""
    if MARKUP.search(value):
        raise ValueError("must be plain text: markup such as <tag> is refused")
    return value


PlainText = Annotated[
    str, AfterValidator(refuse_unstorable), AfterValidator(refuse_markup)
]
