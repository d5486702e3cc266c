"""A view-only link shows the board but cannot change it, in the page or the server."""

from collections.abc import Callable
from pathlib import Path

from board_page import BoardPage, on_frontend
from e2e_servers import Frontend
from playwright.sync_api import Page, expect

# Sends an add op over a fresh WebSocket with the page's own (view) token, the way a
# modified client would, and reports what the server answers.
FORGED_ADD = """async () => {
  const boardId = location.pathname.split('/').pop()
  const token = location.hash.slice(1)
  const socket = new WebSocket(`ws://${location.host}/ws/boards/${boardId}`)
  const answers = []
  await new Promise((resolve) => (socket.onopen = resolve))
  socket.onmessage = (event) => answers.push(JSON.parse(event.data))
  socket.send(JSON.stringify({ type: 'join', token, last_seq: null,
                               user: { name: 'Mallory', color: '#000000' } }))
  socket.send(JSON.stringify({ type: 'ops', ops: [{ op_id: 'forged-1', kind: 'add',
    element: { id: 'forged', type: 'rect', x: 0, y: 0, w: 50, h: 50,
               style: { stroke: '#e03131', width: 2 }, z: 9 } }] }))
  const deadline = Date.now() + 5000
  while (Date.now() < deadline && !answers.some((m) => m.type === 'error')) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  socket.close()
  return answers.map((m) => m.type === 'error' ? `error:${m.code}` : m.type)
}"""


def test_view_link_any_editor_copies_cannot_change_the_board(
    frontends: list[Frontend],
    new_page: Callable[[], Page],
    artifacts: Path,
) -> None:
    alice = BoardPage(new_page())
    alice.create_board(frontends[0].url, "Read only")
    alice.add_sticky(640, 400, "Read me")
    alice.page.get_by_test_id("copy-view-link").click()
    expect(alice.page.get_by_test_id("copy-view-link")).to_have_text("Copied!")
    view_url = alice.page.evaluate("navigator.clipboard.readText()")
    assert "#" in view_url and view_url != alice.page.url

    # Someone who has only the edit link can copy the same view link, revoking nothing.
    bob = BoardPage(new_page()).open(on_frontend(alice.page.url, frontends[1]))
    bob.wait_live()
    bob.page.get_by_test_id("copy-view-link").click()
    expect(bob.page.get_by_test_id("copy-view-link")).to_have_text("Copied!")
    bob_view_url = bob.page.evaluate("navigator.clipboard.readText()")
    assert on_frontend(bob_view_url, frontends[0]) == view_url

    carol = BoardPage(new_page()).open(on_frontend(view_url, frontends[1]))
    carol.wait_live()
    carol.expect_items(["Sticky note: Read me"])
    expect(carol.page.get_by_test_id("view-only")).to_be_visible()
    for editing_tool in ["pen", "rect", "sticky", "eraser"]:
        expect(carol.page.locator(f"[data-tool='{editing_tool}']")).to_have_count(0)
    expect(carol.page.get_by_role("button", name="Undo")).to_have_count(0)
    expect(carol.page.get_by_test_id("copy-edit-link")).to_have_count(0)

    # Shortcuts, drags, deleting and double-clicking change nothing.
    carol.page.keyboard.press("p")
    carol.drag([(300, 300), (500, 500)])
    carol.page.mouse.click(640, 400)
    carol.page.keyboard.press("Delete")
    carol.page.mouse.dblclick(640, 400)
    expect(carol.page.get_by_test_id("text-editor")).to_have_count(0)

    # The server refuses edits from a view token whatever the page does.
    answers = carol.page.evaluate(FORGED_ADD)
    assert "welcome" in answers
    assert "error:read_only" in answers

    carol.screenshot(artifacts / "view-only.png")
    alice.page.wait_for_timeout(500)
    alice.expect_items(["Sticky note: Read me"])
    carol.expect_items(["Sticky note: Read me"])


def test_home_page_lists_recent_boards_under_their_new_name_and_reopens_them(
    frontends: list[Frontend],
    new_page: Callable[[], Page],
    artifacts: Path,
) -> None:
    alice = BoardPage(new_page())
    alice.create_board(frontends[0].url, "Retro notes")
    alice.add_sticky(640, 400, "Went well")
    alice.page.get_by_test_id("board-name").click()
    alice.page.get_by_label("Board name").fill("Retro, week 49")
    alice.page.keyboard.press("Enter")
    expect(alice.page.get_by_test_id("board-name")).to_have_text("Retro, week 49")
    alice.page.get_by_role("link", name="All boards").click()

    recent = alice.page.get_by_role("listitem").filter(has_text="Retro, week 49")
    expect(recent).to_contain_text("can edit")
    alice.screenshot(artifacts / "home.png")
    recent.get_by_role("link", name="Retro, week 49").click()
    alice.wait_live()
    alice.expect_items(["Sticky note: Went well"])
    expect(alice.page.get_by_test_id("copy-edit-link")).to_be_visible()
