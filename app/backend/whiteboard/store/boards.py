"""Boards: create, read, rename, delete, and move to a new link generation."""

import asyncpg

from whiteboard.links import new_board_id
from whiteboard.store.common import SELECT_BOARD, BoardGone, board_public, notify


async def create_board(pool: asyncpg.Pool, name: str) -> asyncpg.Record:
    """Insert a new, empty board."""
    return await pool.fetchrow(
        "INSERT INTO boards (id, name) VALUES ($1, $2) "
        "RETURNING id, name, created_at, seq, link_generation",
        new_board_id(),
        name,
    )


async def get_board(pool: asyncpg.Pool, board_id: str) -> asyncpg.Record | None:
    """A board's row, or None."""
    return await pool.fetchrow(SELECT_BOARD, board_id)


async def rename_board(pool: asyncpg.Pool, board_id: str, name: str) -> asyncpg.Record:
    """Rename a board and tell its viewers."""
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "UPDATE boards SET name = $2 WHERE id = $1 "
            "RETURNING id, name, created_at, seq, link_generation",
            board_id,
            name,
        )
        if row is None:
            raise BoardGone(board_id)
        await notify(conn, {"k": "board", "b": board_id, "board": board_public(row)})
    return row


async def delete_board(pool: asyncpg.Pool, board_id: str) -> None:
    """Delete a board with its elements and log, and tell its viewers."""
    async with pool.acquire() as conn, conn.transaction():
        deleted = await conn.fetchval(
            "DELETE FROM boards WHERE id = $1 RETURNING id", board_id
        )
        if deleted is None:
            raise BoardGone(board_id)
        await notify(conn, {"k": "deleted", "b": board_id})


async def reissue_links(pool: asyncpg.Pool, board_id: str) -> int:
    """Move a board to a new link generation, revoking every older token."""
    async with pool.acquire() as conn, conn.transaction():
        generation = await conn.fetchval(
            "UPDATE boards SET link_generation = link_generation + 1 "
            "WHERE id = $1 RETURNING link_generation",
            board_id,
        )
        if generation is None:
            raise BoardGone(board_id)
        await notify(conn, {"k": "links", "b": board_id, "g": generation})
    return int(generation)


async def current_seq(pool: asyncpg.Pool, board_id: str) -> int | None:
    """A board's newest sequence number, or None when it is gone."""
    seq = await pool.fetchval("SELECT seq FROM boards WHERE id = $1", board_id)
    return None if seq is None else int(seq)
