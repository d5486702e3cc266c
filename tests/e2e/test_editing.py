"""Drawing tools, selection, undo and redo, and export, in one browser and then two."""

from collections.abc import Callable
from pathlib import Path

from board_page import BoardPage, on_frontend
from e2e_servers import Frontend
from playwright.sync_api import Page

INK = (30, 30, 30)
WHITE = (255, 255, 255)


def test_shapes_can_be_moved_resized_deleted_undone_and_exported(
    frontends: list[Frontend],
    new_page: Callable[[], Page],
    artifacts: Path,
) -> None:
    alice = BoardPage(new_page())
    alice.create_board(frontends[0].url, "Editing")
    keyboard = alice.page.keyboard

    keyboard.press("r")
    alice.drag([(200, 200), (320, 280)])
    alice.wait_for_pixel(200, 240, INK)

    # Move it 200 to the right, then stretch it by its bottom-right handle.
    keyboard.press("v")
    alice.drag([(260, 240), (460, 240)])
    alice.wait_for_pixel(400, 240, INK)
    alice.wait_for_pixel(200, 240, WHITE)
    alice.drag([(524, 284), (624, 384)])
    alice.wait_for_pixel(624, 300, INK)

    keyboard.press("Control+z")
    alice.wait_for_pixel(624, 300, WHITE)
    alice.wait_for_pixel(520, 240, INK)
    keyboard.press("Control+Shift+z")
    alice.wait_for_pixel(624, 300, INK)

    keyboard.press("Delete")
    alice.expect_items([])
    keyboard.press("Control+z")
    alice.expect_items(["Rectangle"])
    alice.wait_for_pixel(624, 300, INK)

    keyboard.press("t")
    alice.page.mouse.click(300, 550)
    alice.page.get_by_test_id("text-editor").fill("Hello board")
    keyboard.press("Escape")
    keyboard.press("a")
    alice.drag([(700, 500), (900, 600)])
    keyboard.press("l")
    alice.drag([(700, 650), (900, 650)])
    alice.expect_items(["Arrow", "Line", "Rectangle", "Text: Hello board"])
    keyboard.press("e")
    alice.drag([(800, 630), (800, 670)])
    alice.expect_items(["Arrow", "Rectangle", "Text: Hello board"])

    with alice.page.expect_download() as download:
        alice.page.get_by_role("button", name="SVG").click()
    svg = Path(download.value.path()).read_text()
    assert svg.startswith("<svg") and "Hello board" in svg
    assert download.value.suggested_filename == "Editing.svg"
    with alice.page.expect_download() as download:
        alice.page.get_by_role("button", name="PNG").click()
    png = Path(download.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG")

    # Undo reaches only one's own actions: Bob's note stays when Alice undoes.
    bob = BoardPage(new_page()).open(on_frontend(alice.page.url, frontends[1]))
    bob.wait_live()
    bob.add_sticky(1000, 300, "Bob's note")
    alice.expect_items(
        ["Arrow", "Rectangle", "Sticky note: Bob's note", "Text: Hello board"]
    )
    keyboard.press("Control+z")
    expected = [
        "Arrow",
        "Line",
        "Rectangle",
        "Sticky note: Bob's note",
        "Text: Hello board",
    ]
    alice.expect_items(expected)
    bob.expect_items(expected)
    alice.screenshot(artifacts / "editing.png")
