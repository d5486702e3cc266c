"""Applying operations to a board's elements: the rules every client relies on.

Operations of a board are applied one at a time in ``seq`` order. An update replaces
the fields in its patch (``style`` key by key) and raises the version; a delete leaves
a tombstone, so the element's id can be neither updated nor added again.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from whiteboard.config import Settings
from whiteboard.realtime.messages import AddOp, DeleteOp, UpdateOp
from whiteboard.schemas.elements import ElementPublic

Element = dict[str, Any]


class Rejected(Exception):
    """An operation that cannot be applied, with the protocol's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def describe(error: ValidationError) -> str:
    """The first problem of a validation error, in one line."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def encoded_size(value: Any) -> int:
    """Bytes of ``value`` as PostgreSQL prints a jsonb value: UTF-8, with a space
    after each comma and colon (numbers are kept to a form both print alike)."""
    return len(json.dumps(value, ensure_ascii=False).encode())


@dataclass
class BoardChanges:
    """A board's counters and the elements one batch touches, changed in place."""

    seq: int
    element_count: int
    size_bytes: int
    # Element id -> body; None marks a deleted element (a tombstone).
    elements: dict[str, Element | None]
    limits: Settings
    changed: set[str] = field(default_factory=set)

    def apply(self, op: AddOp | UpdateOp | DeleteOp, client_id: str) -> dict[str, Any]:
        """Apply one operation; return it as applied, with its new ``seq``."""
        match op:
            case AddOp():
                body = self._add(op)
                applied: dict[str, Any] = {"kind": "add", "element": body}
            case UpdateOp():
                body = self._update(op)
                patch = op.patch.model_dump(mode="json", exclude_unset=True)
                applied = {"kind": "update", "element_id": op.element_id}
                applied |= {"patch": patch, "element": body}
            case DeleteOp():
                self._delete(op.element_id)
                applied = {"kind": "delete", "element_id": op.element_id}

        self.seq += 1
        self.changed.add(op.element_id if not isinstance(op, AddOp) else op.element.id)
        return {"op_id": op.op_id, **applied, "seq": self.seq, "client_id": client_id}

    def _add(self, op: AddOp) -> Element:
        element_id = op.element.id
        if element_id in self.elements:
            if self.elements[element_id] is None:
                raise Rejected("element_deleted", f"element {element_id} was deleted")
            raise Rejected("element_exists", f"element {element_id} already exists")
        if self.element_count >= self.limits.max_board_elements:
            limit = self.limits.max_board_elements
            raise Rejected("too_large", f"a board holds at most {limit} elements")

        fields = op.element.model_dump(exclude={"version"})
        body = self._checked(ElementPublic(**fields, version=1))
        self.elements[element_id] = body
        self.element_count += 1
        return body

    def _update(self, op: UpdateOp) -> Element:
        current = self._existing(op.element_id)
        patch = op.patch.model_dump(exclude_unset=True)
        merged = {**current, **{k: v for k, v in patch.items() if k != "style"}}
        style_patch = patch.get("style") or {}
        style_changes = {k: v for k, v in style_patch.items() if v is not None}
        merged["style"] = {**current.get("style", {}), **style_changes}
        merged = {key: value for key, value in merged.items() if value is not None}
        merged["version"] = current["version"] + 1

        try:
            element = ElementPublic.model_validate(merged)
        except ValidationError as error:
            raise Rejected("bad_message", describe(error)) from None
        body = self._checked(element, replacing=current)
        self.elements[op.element_id] = body
        return body

    def _delete(self, element_id: str) -> None:
        current = self._existing(element_id)
        self.elements[element_id] = None
        self.element_count -= 1
        self.size_bytes = max(0, self.size_bytes - encoded_size(current))

    def _existing(self, element_id: str) -> Element:
        if element_id not in self.elements:
            raise Rejected("no_such_element", f"element {element_id} does not exist")
        current = self.elements[element_id]
        if current is None:
            raise Rejected("element_deleted", f"element {element_id} was deleted")
        return current

    def _checked(
        self, element: ElementPublic, replacing: Element | None = None
    ) -> Element:
        """The element's stored body, once it is known to fit every limit."""
        limits = self.limits
        if len(element.points or []) > limits.max_stroke_points:
            limit = limits.max_stroke_points
            raise Rejected("too_large", f"an element has at most {limit} points")
        if len(element.text or "") > limits.max_text_chars:
            limit = limits.max_text_chars
            raise Rejected("too_large", f"text is at most {limit} characters")

        body = element.model_dump(mode="json", exclude_none=True)
        size = encoded_size(body)
        if size > limits.max_element_bytes:
            limit = limits.max_element_bytes
            raise Rejected("too_large", f"an element is at most {limit} bytes")
        growth = size - (encoded_size(replacing) if replacing else 0)
        if self.size_bytes + growth > limits.max_board_bytes:
            limit = limits.max_board_bytes
            raise Rejected("too_large", f"a board holds at most {limit} bytes")
        self.size_bytes = max(0, self.size_bytes + growth)
        return body
