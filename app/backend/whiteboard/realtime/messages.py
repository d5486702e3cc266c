"""Client-to-server WebSocket messages and operations (docs/protocol.md)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, TypeAdapter

from whiteboard.schemas.elements import (
    ClientId,
    Color,
    Coordinate,
    ElementCreate,
    ElementUpdate,
    Point,
    Style,
)
from whiteboard.schemas.text import PlainText


class Message(BaseModel):
    """Common settings of every client message."""

    model_config = ConfigDict(extra="forbid")


class User(Message):
    """Who is behind a connection, as shown to the others."""

    name: Annotated[PlainText, Field(max_length=50)] = "Anonymous"
    color: Color = "#1e1e1e"


class Join(Message):
    """The first message: a link token and the last sequence number seen."""

    type: Literal["join"]
    token: Annotated[str, Field(max_length=512)]
    last_seq: Annotated[StrictInt, Field(ge=0)] | None = None
    user: User = Field(default_factory=User)
    # The client takes several server messages in one ``batch`` frame.
    batch: StrictBool = False


class Ops(Message):
    """A batch of operations; each one is checked on its own (see ``OP``)."""

    type: Literal["ops"]
    ops: list[dict[str, Any]]


class Stroke(Message):
    """Live points of a stroke being drawn."""

    type: Literal["stroke"]
    stroke_id: ClientId
    points: list[Point]
    style: Style = Field(default_factory=Style)


class Cursor(Message):
    """A cursor position."""

    type: Literal["cursor"]
    x: Coordinate
    y: Coordinate


class Ping(Message):
    """A keep-alive, answered by pong."""

    type: Literal["ping"]


class AddOp(Message):
    """Add an element."""

    op_id: ClientId
    kind: Literal["add"]
    element: ElementCreate


class UpdateOp(Message):
    """Change some fields of an element."""

    op_id: ClientId
    kind: Literal["update"]
    element_id: ClientId
    patch: ElementUpdate


class DeleteOp(Message):
    """Delete an element for good."""

    op_id: ClientId
    kind: Literal["delete"]
    element_id: ClientId


ClientMessage = Annotated[
    Join | Ops | Stroke | Cursor | Ping, Field(discriminator="type")
]
Op = Annotated[AddOp | UpdateOp | DeleteOp, Field(discriminator="kind")]

CLIENT_MESSAGE: TypeAdapter[Join | Ops | Stroke | Cursor | Ping] = TypeAdapter(
    ClientMessage
)
OP: TypeAdapter[AddOp | UpdateOp | DeleteOp] = TypeAdapter(Op)
KNOWN_TYPES = {"join", "ops", "stroke", "cursor", "ping"}
