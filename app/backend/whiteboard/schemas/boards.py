"""Boards over REST: Base, Create, Update, Public, plus links and snapshots."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from whiteboard.schemas.text import PlainText

NAME_MAX_CHARS = 100

BoardName = Annotated[
    PlainText, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]


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
