"""Elements on a board: Base, Create (add), Update (patch), Public (stored)."""

from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)

from whiteboard.schemas.text import PlainText

ElementType = Literal["stroke", "rect", "ellipse", "line", "arrow", "text", "sticky"]
ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Color = Annotated[str, Field(pattern=r"^(#[0-9a-fA-F]{6}|transparent)$")]

# Numbers are kept to a range and a precision that PostgreSQL prints exactly as
# Python does: otherwise 1e-300 takes 6 bytes here and 302 bytes in jsonb.
COORDINATE_LIMIT = 10_000_000
Z_LIMIT = 1_000_000_000_000_000
DECIMALS = 2


def to_canvas_precision(value: float) -> float:
    """``value`` rounded to the stored precision (never ``-0.0``)."""
    return round(value, DECIMALS) + 0.0


def canvas_number(low: float, high: float) -> object:
    """Constraints of a finite number in ``[low, high]``, rounded when stored."""
    return Field(ge=low, le=high, allow_inf_nan=False)


def checked_pressure(point: list[float]) -> list[float]:
    """``point`` once its pressure, if any, is known to be between 0 and 1."""
    if len(point) == 3 and not 0 <= point[2] <= 1:
        raise ValueError("a point's third value is its pressure, from 0 to 1")
    return point


# Strict: a number must be a JSON number ("10" and true are refused, not converted).
Rounded = AfterValidator(to_canvas_precision)
Coordinate = Annotated[
    float, Strict(), canvas_number(-COORDINATE_LIMIT, COORDINATE_LIMIT), Rounded
]
Size = Annotated[float, Strict(), canvas_number(0, COORDINATE_LIMIT), Rounded]
StackOrder = Annotated[float, Strict(), canvas_number(-Z_LIMIT, Z_LIMIT), Rounded]
# [x, y] or [x, y, pressure].
Point = Annotated[
    list[Coordinate],
    Field(min_length=2, max_length=3),
    AfterValidator(checked_pressure),
]
StrokeWidth = Annotated[float, Strict(), canvas_number(0, 200), Rounded]
FontSize = Annotated[float, Strict(), canvas_number(1, 1000), Rounded]

BOXED_TYPES = {"rect", "ellipse", "text", "sticky"}
TEXT_TYPES = {"text", "sticky"}


class Style(BaseModel):
    """How an element is drawn."""

    model_config = ConfigDict(extra="forbid")

    stroke: Color = "#1e1e1e"
    fill: Color = "transparent"
    width: StrokeWidth = 2
    font_size: FontSize | None = None


class StyleUpdate(BaseModel):
    """Style fields to change; the others keep their values."""

    model_config = ConfigDict(extra="forbid")

    stroke: Color | None = None
    fill: Color | None = None
    width: StrokeWidth | None = None
    font_size: FontSize | None = None


class ElementBase(BaseModel):
    """Geometry, text and style, shared by every element type."""

    model_config = ConfigDict(extra="forbid")

    x: Coordinate | None = None
    y: Coordinate | None = None
    w: Size | None = None
    h: Size | None = None
    points: list[Point] | None = None
    text: PlainText | None = None
    style: Style = Field(default_factory=Style)
    z: StackOrder = 0


class ElementCreate(ElementBase):
    """An element as a client adds it; ``version`` is ignored (the server sets it)."""

    id: ClientId
    type: ElementType
    version: int | None = None

    @model_validator(mode="after")
    def fields_fit_type(self) -> Self:
        """Check that the fields a type needs are there."""
        if self.type == "stroke" and not self.points:
            raise ValueError("a stroke needs at least one point")
        if self.type in ("line", "arrow") and len(self.points or []) != 2:
            raise ValueError(f"a {self.type} needs exactly two points")
        boxed = (self.x, self.y, self.w, self.h)
        if self.type in BOXED_TYPES and None in boxed:
            raise ValueError(f"a {self.type} needs x, y, w and h")
        if self.type in TEXT_TYPES and self.text is None:
            raise ValueError(f"a {self.type} needs text")
        return self


class ElementUpdate(BaseModel):
    """A patch: the fields to change; ``id``, ``type`` and ``version`` cannot change."""

    model_config = ConfigDict(extra="forbid")

    x: Coordinate | None = None
    y: Coordinate | None = None
    w: Size | None = None
    h: Size | None = None
    points: list[Point] | None = None
    text: PlainText | None = None
    style: StyleUpdate | None = None
    z: StackOrder | None = None


class ElementPublic(ElementCreate):
    """An element as stored and sent, with its version."""

    version: int = 1
