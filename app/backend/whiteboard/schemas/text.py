"""Plain-text fields: markup is refused rather than stored."""

import re
from typing import Annotated

from pydantic import AfterValidator

# A tag such as <b>, </div> or <img ...>, a comment or a processing instruction.
MARKUP = re.compile(r"<[/!?]?[A-Za-z][^<>]*>|<!--|<\?")


def refuse_markup(value: str) -> str:
    """Return ``value`` unless it contains markup."""
    if MARKUP.search(value):
        raise ValueError("must be plain text: markup such as <tag> is refused")
    return value


PlainText = Annotated[str, AfterValidator(refuse_markup)]
