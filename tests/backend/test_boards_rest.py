"""REST calls on boards: create, read, rename, delete, read and reissue links."""

import base64

import httpx
from backend_client import bearer, create_board
from backend_servers import Server


def test_created_board_has_unguessable_id_and_two_links(server: Server) -> None:
    board = create_board(server.url, "Planning")

    assert len(base64.urlsafe_b64decode(board["id"] + "==")) == 16
    assert board["name"] == "Planning"
    assert board["seq"] == 0
    assert board["edit_token"] != board["view_token"]


def test_view_link_reads_snapshot(server: Server) -> None:
    board = create_board(server.url)

    response = httpx.get(
        f"{server.url}/api/boards/{board['id']}", headers=bearer(board["view_token"])
    )

    assert response.status_code == 200
    assert response.json()["board"]["id"] == board["id"]
    assert response.json()["elements"] == []


def test_read_without_token_is_unauthorized(server: Server) -> None:
    board = create_board(server.url)

    response = httpx.get(f"{server.url}/api/boards/{board['id']}")

    assert response.status_code == 401
    assert response.json()["detail"]["code"] == "bad_token"


def test_token_of_another_board_is_refused(server: Server) -> None:
    first, second = create_board(server.url), create_board(server.url)

    response = httpx.get(
        f"{server.url}/api/boards/{second['id']}", headers=bearer(first["edit_token"])
    )

    assert response.status_code == 401


def test_forged_token_is_refused(server: Server) -> None:
    board = create_board(server.url)
    forged = board["view_token"][:-3] + "abc"

    response = httpx.get(
        f"{server.url}/api/boards/{board['id']}", headers=bearer(forged)
    )

    assert response.status_code == 401


def test_edit_link_renames_board(server: Server) -> None:
    board = create_board(server.url)

    response = httpx.patch(
        f"{server.url}/api/boards/{board['id']}",
        json={"name": "Renamed"},
        headers=bearer(board["edit_token"]),
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


def test_view_link_cannot_rename_or_delete(server: Server) -> None:
    board = create_board(server.url)
    url, headers = f"{server.url}/api/boards/{board['id']}", bearer(board["view_token"])

    renamed = httpx.patch(url, json={"name": "x"}, headers=headers)
    deleted = httpx.delete(url, headers=headers)

    assert renamed.status_code == 403
    assert deleted.status_code == 403
    assert renamed.json()["detail"]["code"] == "read_only"


def test_deleted_board_is_gone(server: Server) -> None:
    board = create_board(server.url)
    url, headers = f"{server.url}/api/boards/{board['id']}", bearer(board["edit_token"])

    assert httpx.delete(url, headers=headers).status_code == 204

    assert httpx.get(url, headers=headers).status_code == 404


def test_reissued_links_revoke_old_ones(server: Server) -> None:
    board = create_board(server.url)
    url = f"{server.url}/api/boards/{board['id']}"

    response = httpx.post(f"{url}/links", headers=bearer(board["edit_token"]))
    links = response.json()

    assert response.status_code == 200
    assert httpx.get(url, headers=bearer(board["view_token"])).status_code == 401
    assert httpx.get(url, headers=bearer(links["view_token"])).status_code == 200


def test_edit_link_reads_current_links_without_revoking_them(server: Server) -> None:
    board = create_board(server.url)
    url = f"{server.url}/api/boards/{board['id']}"

    response = httpx.get(f"{url}/links", headers=bearer(board["edit_token"]))

    assert response.status_code == 200
    assert response.json() == {
        "edit_token": board["edit_token"],
        "view_token": board["view_token"],
    }
    assert httpx.get(url, headers=bearer(board["view_token"])).status_code == 200


def test_view_link_cannot_read_links(server: Server) -> None:
    board = create_board(server.url)

    response = httpx.get(
        f"{server.url}/api/boards/{board['id']}/links",
        headers=bearer(board["view_token"]),
    )

    assert response.status_code == 403
    assert response.json()["detail"]["code"] == "read_only"


def test_revoked_or_forged_edit_link_cannot_read_links(server: Server) -> None:
    board = create_board(server.url)
    url = f"{server.url}/api/boards/{board['id']}/links"
    reissued = httpx.post(url, headers=bearer(board["edit_token"])).json()

    revoked = httpx.get(url, headers=bearer(board["edit_token"]))
    forged = httpx.get(url, headers=bearer(reissued["edit_token"][:-3] + "abc"))
    missing = httpx.get(url)
    current = httpx.get(url, headers=bearer(reissued["edit_token"]))

    assert revoked.status_code == 401
    assert revoked.json()["detail"]["code"] == "bad_token"
    assert forged.status_code == 401
    assert missing.status_code == 401
    assert current.json()["view_token"] == reissued["view_token"]


def test_links_of_a_deleted_board_are_not_found(server: Server) -> None:
    board = create_board(server.url)
    url, headers = f"{server.url}/api/boards/{board['id']}", bearer(board["edit_token"])
    httpx.delete(url, headers=headers)

    response = httpx.get(f"{url}/links", headers=headers)

    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "board_deleted"


def test_boards_cannot_be_listed(server: Server) -> None:
    create_board(server.url)

    response = httpx.get(f"{server.url}/api/boards")

    assert response.status_code == 405


def test_board_name_that_looks_like_markup_is_stored_as_typed(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/api/boards", json={"name": "<script>alert(1)</script>"}
    )

    assert response.status_code == 201
    assert response.json()["name"] == "<script>alert(1)</script>"


def test_blank_board_name_is_refused(server: Server) -> None:
    response = httpx.post(f"{server.url}/api/boards", json={"name": "   "})

    assert response.status_code == 422
    assert "besides spaces" in response.json()["detail"]["message"]


def test_board_name_over_100_characters_is_refused_with_its_limit(
    server: Server,
) -> None:
    too_long = httpx.post(f"{server.url}/api/boards", json={"name": "x" * 101})
    padded = httpx.post(f"{server.url}/api/boards", json={"name": f"  {'y' * 100} "})

    assert too_long.status_code == 422
    assert "at most 100 characters" in too_long.json()["detail"]["message"]
    assert padded.json()["name"] == "y" * 100


def test_oversized_request_body_is_refused(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/api/boards", json={"name": "x" * 300_000}, timeout=10
    )

    assert response.status_code == 413
    assert response.json()["detail"]["code"] == "too_large"


def test_health_endpoints_and_metrics_answer(server: Server) -> None:
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server.url}/readyz").status_code == 200

    metrics = httpx.get(f"{server.url}/metrics").text

    assert "whiteboard_connections" in metrics
    assert "whiteboard_fanout_latency_seconds" in metrics
