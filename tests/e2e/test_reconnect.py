"""Backend instances restart under connected browsers; no edit is lost or doubled."""

from collections.abc import Callable
from pathlib import Path

from board_page import BoardPage, on_frontend
from e2e_servers import Backend, Frontend
from playwright.sync_api import Page, expect


def draw_rect(board: BoardPage, x: float, y: float) -> None:
    board.tool("rect")
    board.drag([(x, y), (x + 120, y + 80)])


def draw_ellipse(board: BoardPage, x: float, y: float) -> None:
    board.tool("ellipse")
    board.drag([(x, y), (x + 100, y + 100)])


def test_both_browsers_reconnect_after_restarts_and_keep_every_edit(
    backends: list[Backend],
    frontends: list[Frontend],
    new_page: Callable[[], Page],
    artifacts: Path,
) -> None:
    alice = BoardPage(new_page())
    edit_url = alice.create_board(frontends[0].url, "Restarts")
    bob = BoardPage(new_page()).open(on_frontend(edit_url, frontends[1]))
    bob.wait_live()
    draw_rect(alice, 200, 200)
    bob.expect_items(["Rectangle"])

    # Alice's instance restarts. She keeps drawing while it is away, and reloads the
    # page before it is back: the unsent edit must survive in localStorage.
    backends[0].stop()
    expect(alice.page.locator("[data-status]")).not_to_have_attribute(
        "data-status", "online"
    )
    draw_ellipse(alice, 400, 200)
    expect(alice.page.get_by_role("status")).to_contain_text("1 unsaved change")
    alice.page.reload()
    alice.expect_items(["Ellipse"])
    bob.add_sticky(900, 250, "Written meanwhile")
    backends[0].start()
    alice.wait_live()

    expected = ["Rectangle", "Ellipse", "Sticky note: Written meanwhile"]
    alice.expect_items(expected)
    bob.expect_items(expected)
    expect(alice.page.get_by_role("status")).to_have_text("Live")

    # Now Bob's instance restarts, with an edit on each side while it is away.
    backends[1].stop()
    expect(bob.page.locator("[data-status]")).not_to_have_attribute(
        "data-status", "online"
    )
    draw_rect(bob, 200, 450)
    draw_ellipse(alice, 500, 450)
    backends[1].start()
    bob.wait_live()

    expected += ["Rectangle", "Ellipse"]
    alice.expect_items(expected)
    bob.expect_items(expected)
    expect(bob.page.get_by_role("status")).to_have_text("Live")
    alice.screenshot(artifacts / "reconnect-alice.png")
    bob.screenshot(artifacts / "reconnect-bob.png")
