"""Boards over REST: Base, Create, Update, Public, plus links and snapshots."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from whiteboard.schemas.text import PlainText

NAME_MAX_CHARS = 100


def trimmed_name(value: str) -> str:
    """A board name without surrounding spaces, once it is known to fit."""
    name = value.strip()
    if not name:
        raise ValueError("a board name needs at least one character besides spaces")
    if len(name) > NAME_MAX_CHARS:
        raise ValueError(
            f"a board name is at most {NAME_MAX_CHARS} characters, not {len(name)}"
        )
    return name


BoardName = Annotated[PlainText, AfterValidator(trimmed_name)]


class BoardBase(BaseModel):
    """Fields a client may set on a board."""

    model_config = ConfigDict(extra="forbid")

    name: BoardName = "Untitled board"


class BoardCreate(BoardBase):
    """Body of POST /api/boards."""


class BoardUpdate(BoardBase):
    """Body of PATCH /api/boards/{id}."""

    name: BoardName


class BoardPublic(BaseModel):
    """A board as every holder of a link sees it."""

    id: str
    name: str
    created_at: datetime
    seq: int


class BoardLinks(BaseModel):
    """The two share-link tokens of a board."""

    edit_token: str
    view_token: str


class BoardCreated(BoardPublic, BoardLinks):
    """Answer to board creation: the board and its links."""


class Snapshot(BaseModel):
    """A board and all its elements at one sequence number."""

    board: BoardPublic
    seq: int
    elements: list[dict[str, Any]] = Field(default_factory=list)
