"""What a person does on the whiteboard pages, in Playwright terms."""

from pathlib import Path

from e2e_servers import Frontend
from playwright.sync_api import Page, expect

Pixel = tuple[int, int, int]


def on_frontend(url: str, frontend: Frontend) -> str:
    """The same page (and board link) served by another frontend server."""
    path = url.split("/", 3)[3]
    return f"{frontend.url}/{path}"


class BoardPage:
    """One browser tab on the app."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def create_board(self, base_url: str, name: str) -> str:
        """Create a board from the home page; returns the edit URL it opened."""
        self.page.goto(f"{base_url}/")
        self.page.get_by_label("Board name").fill(name)
        self.page.get_by_role("button", name="New board").click()
        self.page.wait_for_url("**/b/**")
        self.wait_live()
        return self.page.url

    def open(self, url: str) -> "BoardPage":
        self.page.goto(url)
        return self

    def wait_live(self) -> None:
        expect(self.page.locator("[data-status]")).to_have_attribute(
            "data-status", "online", timeout=30_000
        )

    def status(self) -> str:
        return self.page.locator("[data-status]").get_attribute("data-status") or ""

    def tool(self, name: str) -> None:
        self.page.locator(f"[data-tool='{name}']").click()

    def drag(self, points: list[tuple[float, float]], release: bool = True) -> None:
        """Press at the first point, move through the others, release at the last."""
        first, *rest = points
        self.page.mouse.move(*first)
        self.page.mouse.down()
        for point in rest:
            self.page.mouse.move(*point, steps=4)
        if release:
            self.page.mouse.up()

    def add_sticky(self, x: float, y: float, text: str) -> None:
        self.tool("sticky")
        self.page.mouse.click(x, y)
        editor = self.page.get_by_test_id("text-editor")
        editor.fill(text)
        editor.press("Escape")
        expect(editor).to_have_count(0)

    def items(self) -> list[str]:
        """What is on the board, as the accessible outline lists it."""
        outline = self.page.get_by_test_id("board-outline")
        texts = outline.locator("li").all_inner_texts()
        return sorted(text.strip() for text in texts)

    def expect_items(self, expected: list[str], timeout: float = 20_000) -> None:
        outline = self.page.get_by_test_id("board-outline").locator("li")
        expect(outline).to_have_count(len(expected), timeout=timeout)
        assert self.items() == sorted(expected)

    def pixel(self, x: int, y: int) -> Pixel:
        """The canvas colour at a point of the page (CSS pixels)."""
        rgb = self.page.evaluate(
            """([x, y]) => {
                const canvas = document.querySelector('[data-testid=board-canvas]')
                const ratio = canvas.width / canvas.clientWidth
                const ctx = canvas.getContext('2d')
                const data = ctx.getImageData(x * ratio, y * ratio, 1, 1).data
                return [data[0], data[1], data[2]]
            }""",
            [x, y],
        )
        return (rgb[0], rgb[1], rgb[2])

    def wait_for_pixel(self, x: int, y: int, near: Pixel, timeout_ms: int = 10_000):
        """Wait until the canvas at (x, y) is within 40 per channel of ``near``."""
        self.page.wait_for_function(
            """([x, y, want]) => {
                const canvas = document.querySelector('[data-testid=board-canvas]')
                const ratio = canvas.width / canvas.clientWidth
                const data = canvas.getContext('2d')
                    .getImageData(x * ratio, y * ratio, 1, 1).data
                return want.every((value, i) => Math.abs(data[i] - value) <= 40)
            }""",
            arg=[x, y, list(near)],
            timeout=timeout_ms,
        )

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path))
