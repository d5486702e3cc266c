"""Share-link tokens: signed (board, role, generation) triples.

Signing uses the current SECRET_KEY; verification also accepts SECRET_KEY_PREVIOUS, so a
key rotation does not break live links. A token stops working when its board's link
generation moves on (links reissued) or the board is deleted.
"""

import secrets
from dataclasses import dataclass
from typing import Literal

from itsdangerous import BadSignature, URLSafeSerializer

Role = Literal["edit", "view"]
SALT = "whiteboard.board-link"
ROLE_CODES: dict[Role, str] = {"edit": "e", "view": "v"}
ROLES_BY_CODE: dict[str, Role] = {code: role for role, code in ROLE_CODES.items()}


@dataclass(frozen=True)
class Grant:
    """What a verified token allows."""

    board_id: str
    role: Role
    generation: int

    @property
    def can_edit(self) -> bool:
        """Whether the holder may change the board."""
        return self.role == "edit"


class LinkSigner:
    """Makes and checks link tokens with the configured keys."""

    def __init__(self, keys: list[str]) -> None:
        # itsdangerous signs with the last key and verifies with any of them.
        self._serializer = URLSafeSerializer(keys, salt=SALT)

    def token(self, board_id: str, role: Role, generation: int) -> str:
        """A token for ``role`` on ``board_id`` at link ``generation``."""
        return self._serializer.dumps([board_id, ROLE_CODES[role], generation])

    def verify(self, token: str) -> Grant | None:
        """The grant a token carries, or None when it is forged or malformed."""
        try:
            payload = self._serializer.loads(token)
        except BadSignature:
            return None
        match payload:
            case [str(board_id), str(code), int(generation)] if code in ROLES_BY_CODE:
                return Grant(board_id, ROLES_BY_CODE[code], generation)
        return None


def new_board_id() -> str:
    """An unguessable board id: 16 random bytes, URL-safe base64 (22 characters)."""
    return secrets.token_urlsafe(16)


def new_client_id() -> str:
    """A short random id for one connection."""
    return secrets.token_urlsafe(6)
