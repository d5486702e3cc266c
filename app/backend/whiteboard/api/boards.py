"""REST: create, read, rename and delete boards; read and reissue their links."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from whiteboard import store
from whiteboard.api.deps import (
    EditGrant,
    ServicesDep,
    ViewGrant,
    error,
    limit_board_creation,
)
from whiteboard.links import LinkSigner
from whiteboard.schemas.boards import (
    BoardCreate,
    BoardCreated,
    BoardLinks,
    BoardPublic,
    BoardUpdate,
    Snapshot,
)

router = APIRouter(prefix="/api/boards")


def links_for(signer: LinkSigner, board_id: str, generation: int) -> BoardLinks:
    """Both share-link tokens of a board at ``generation``."""
    return BoardLinks(
        edit_token=signer.token(board_id, "edit", generation),
        view_token=signer.token(board_id, "view", generation),
    )


@router.post(
    "",
    status_code=201,
    dependencies=[Depends(limit_board_creation)],
)
async def create_board(body: BoardCreate, services: ServicesDep) -> BoardCreated:
    """Create an empty board and its two share links."""
    row = await store.create_board(services.db.writer, body.name)
    links = links_for(services.signer, row["id"], row["link_generation"])
    return BoardCreated(**store.board_public(row), **links.model_dump())


@router.get("/{board_id}", response_model=Snapshot)
async def read_board(
    board_id: str, grant: ViewGrant, services: ServicesDep
) -> Response:
    """Read a board and all its elements."""
    # A replica may lag behind a board created a moment ago: then ask the writer.
    found = await store.read_snapshot(services.db.reader(), board_id)
    found = found or await store.read_snapshot(services.db.writer, board_id)
    if found is None:
        raise error(404, "board_deleted", "this board does not exist")
    board, elements = found
    # The elements come as JSON text from the database: spliced, not parsed.
    public = BoardPublic(**store.board_public(board)).model_dump_json()
    snapshot = f'{{"board":{public},"seq":{board["seq"]:d},"elements":{elements}}}'
    return Response(snapshot, media_type="application/json")


@router.patch("/{board_id}")
async def rename_board(
    board_id: str, body: BoardUpdate, grant: EditGrant, services: ServicesDep
) -> BoardPublic:
    """Rename a board; everyone on it is told."""
    try:
        row = await store.rename_board(services.db.writer, board_id, body.name)
    except store.BoardGone:
        raise error(404, "board_deleted", "this board does not exist") from None
    return BoardPublic(**store.board_public(row))


@router.delete("/{board_id}", status_code=204)
async def delete_board(
    board_id: str, grant: EditGrant, services: ServicesDep
) -> Response:
    """Delete a board for good; everyone on it is disconnected."""
    try:
        await store.delete_board(services.db.writer, board_id)
    except store.BoardGone:
        raise error(404, "board_deleted", "this board does not exist") from None
    return Response(status_code=204)


@router.get("/{board_id}/links")
async def read_links(
    board_id: str, grant: EditGrant, services: ServicesDep
) -> BoardLinks:
    """A board's current links, revoking nothing."""
    # The grant's generation was checked against the board's when it was granted.
    return links_for(services.signer, board_id, grant.generation)


@router.post("/{board_id}/links")
async def reissue_links(
    board_id: str, grant: EditGrant, services: ServicesDep
) -> BoardLinks:
    """Revoke a board's links and issue new ones."""
    try:
        generation = await store.reissue_links(services.db.writer, board_id)
    except store.BoardGone:
        raise error(404, "board_deleted", "this board does not exist") from None
    return links_for(services.signer, board_id, generation)


BoardId = Annotated[str, "a board id"]
