"""Plain-text fields: stored and sent as typed, markup-like text included.

Nothing renders text as HTML: the frontend draws it on a canvas and escapes it in
SVG exports. NUL characters and unpaired UTF-16 surrogates are refused, though:
PostgreSQL cannot store the first, and the second is not text at all.
"""

import re
from typing import Annotated

from pydantic import AfterValidator

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def refuse_unstorable(value: str) -> str:
    """Return ``value`` unless it holds a NUL character or an unpaired surrogate."""
    if UNSTORABLE.search(value):
        raise ValueError("must not contain NUL characters or unpaired surrogates")
    return value


PlainText = Annotated[str, AfterValidator(refuse_unstorable)]
