"""Two people on one board, each through a different backend instance."""

from collections.abc import Callable
from pathlib import Path

from board_page import BoardPage, on_frontend
from e2e_servers import Frontend
from playwright.sync_api import Page, expect

INK = (30, 30, 30)
STICKY_YELLOW = (255, 243, 160)
WHITE = (255, 255, 255)


def test_stroke_and_sticky_note_reach_a_browser_on_another_instance(
    frontends: list[Frontend],
    new_page: Callable[[], Page],
    artifacts: Path,
) -> None:
    alice = BoardPage(new_page())
    edit_url = alice.create_board(frontends[0].url, "Planning")
    bob = BoardPage(new_page()).open(on_frontend(edit_url, frontends[1]))
    bob.wait_live()
    expect(bob.page.get_by_test_id("board-name")).to_have_text("Planning")

    # Bob sees the stroke while Alice is still drawing it.
    alice.tool("pen")
    path = [(300.0 + 20 * step, 500.0) for step in range(16)]
    alice.drag(path, release=False)
    bob.wait_for_pixel(450, 500, INK)
    alice.page.mouse.up()

    alice.add_sticky(800, 330, "Ship on Friday")
    bob.expect_items(["Drawing", "Sticky note: Ship on Friday"])
    bob.wait_for_pixel(720, 420, STICKY_YELLOW)
    assert bob.pixel(450, 500) != WHITE

    # Both ends agree, and nothing is left waiting to be sent.
    alice.expect_items(["Drawing", "Sticky note: Ship on Friday"])
    expect(alice.page.get_by_role("status")).to_have_text("Live")
    bob.page.mouse.move(640, 650)
    expect(alice.page.get_by_test_id("peer-cursor")).to_have_count(1)
    alice.screenshot(artifacts / "collaboration-alice.png")
    bob.screenshot(artifacts / "collaboration-bob.png")
