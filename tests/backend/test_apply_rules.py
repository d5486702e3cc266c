"""The rules for applying operations, without a database."""

from typing import Any

import pytest
from whiteboard.config import Settings
from whiteboard.realtime.apply import BoardChanges, Rejected
from whiteboard.realtime.messages import OP, AddOp, DeleteOp, UpdateOp


def op(raw: dict[str, Any]) -> AddOp | UpdateOp | DeleteOp:
    """A validated operation."""
    return OP.validate_python(raw)


def board(**limits: Any) -> BoardChanges:
    """An empty board with the given limits."""
    return BoardChanges(0, 0, 0, {}, Settings(**limits))


RECT = {"id": "r", "type": "rect", "x": 0, "y": 0, "w": 5, "h": 5, "z": 1}


def test_add_sets_version_one_whatever_the_client_sent() -> None:
    changes = board()

    applied = changes.apply(
        op({"op_id": "a", "kind": "add", "element": {**RECT, "version": 9}}), "c"
    )

    assert applied["element"]["version"] == 1
    assert applied["seq"] == 1


def test_later_update_wins_per_field() -> None:
    changes = board()
    changes.apply(op({"op_id": "a", "kind": "add", "element": RECT}), "c")

    changes.apply(
        op(
            {
                "op_id": "u1",
                "kind": "update",
                "element_id": "r",
                "patch": {"x": 1, "y": 1},
            }
        ),
        "c",
    )
    last = changes.apply(
        op({"op_id": "u2", "kind": "update", "element_id": "r", "patch": {"x": 2}}), "d"
    )

    assert (last["element"]["x"], last["element"]["y"]) == (2, 1)
    assert last["element"]["version"] == 3


def test_update_cannot_break_type_rules() -> None:
    changes = board()
    line = {"id": "l", "type": "line", "points": [[0, 0], [1, 1]]}
    changes.apply(op({"op_id": "a", "kind": "add", "element": line}), "c")

    with pytest.raises(Rejected) as refusal:
        changes.apply(
            op(
                {
                    "op_id": "u",
                    "kind": "update",
                    "element_id": "l",
                    "patch": {"points": [[0, 0]]},
                }
            ),
            "c",
        )

    assert refusal.value.code == "bad_message"


def test_delete_leaves_tombstone() -> None:
    changes = board()
    changes.apply(op({"op_id": "a", "kind": "add", "element": RECT}), "c")
    changes.apply(op({"op_id": "d", "kind": "delete", "element_id": "r"}), "c")

    with pytest.raises(Rejected) as again:
        changes.apply(op({"op_id": "a2", "kind": "add", "element": RECT}), "c")

    assert again.value.code == "element_deleted"
    assert changes.elements["r"] is None
    assert (changes.element_count, changes.size_bytes) == (0, 0)


def test_update_of_unknown_element_is_rejected() -> None:
    with pytest.raises(Rejected) as refusal:
        board().apply(
            op({"op_id": "u", "kind": "update", "element_id": "nope", "patch": {}}), "c"
        )

    assert refusal.value.code == "no_such_element"


def test_board_byte_limit_counts_every_element() -> None:
    changes = board(max_board_bytes=1024, max_element_bytes=1024)
    text = {"type": "sticky", "x": 0, "y": 0, "w": 1, "h": 1, "text": "x" * 300}

    for index in range(2):
        changes.apply(
            op(
                {
                    "op_id": f"a{index}",
                    "kind": "add",
                    "element": {**text, "id": f"s{index}"},
                }
            ),
            "c",
        )
    with pytest.raises(Rejected) as refusal:
        changes.apply(
            op({"op_id": "a2", "kind": "add", "element": {**text, "id": "s2"}}), "c"
        )

    assert refusal.value.code == "too_large"
