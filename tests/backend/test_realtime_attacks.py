"""The realtime path under pressure: two instances on one database, many batches in
flight, refused values, deletions and a lost listener connection."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from backend_client import Client, add, bearer, create_board, rect
from backend_servers import Server
from conftest import new_database
from websockets.exceptions import ConnectionClosed
from whiteboard.devdb import DevDatabase

pytestmark = pytest.mark.asyncio

RECEIVE_SECONDS = 15.0


@pytest.fixture(scope="module")
def instances(
    postgres: DevDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    """Two instances on one database of this module's own."""
    log_dir = tmp_path_factory.mktemp("attacks")
    database = new_database(postgres)
    servers = (Server(database, log_dir), Server(database, log_dir))
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest_asyncio.fixture
async def database(
    instances: tuple[Server, Server],
) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection to the instances' database."""
    env = instances[0].env
    conn = await asyncpg.connect(
        host=env["DATABASE_HOST"],
        port=int(env["DATABASE_PORT"]),
        user=env["DATABASE_USER"],
        database=env["DATABASE_NAME"],
    )
    yield conn
    await conn.close()


class Peer:
    """A client that reads everything it is sent, batch frames unpacked."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.messages: list[dict[str, Any]] = []
        self.batch_frames = 0
        self.closed = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def join(
        cls,
        server: Server,
        board: dict[str, Any],
        last_seq: int | None = None,
        batch: bool = False,
        role: str = "edit",
    ) -> "Peer":
        client = await Client.open(server.ws_url(board["id"]))
        user = {"name": "peer", "color": "#336699"}
        join = {"type": "join", "token": board[f"{role}_token"], "user": user}
        await client.send({**join, "last_seq": last_seq, "batch": batch})
        peer = cls(client)
        await peer.wait_for(lambda: peer.of_type("welcome"))
        return peer

    async def _read(self) -> None:
        try:
            async for text in self.client.connection:
                message = json.loads(text)
                batched = message["type"] == "batch"
                self.batch_frames += batched
                inner = message["messages"] if batched else [message]
                async with self._arrived:
                    self.messages += inner
                    self._arrived.notify_all()
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()
            async with self._arrived:
                self._arrived.notify_all()

    async def wait_for(self, done: Any, seconds: float = RECEIVE_SECONDS) -> None:
        async def until() -> None:
            async with self._arrived:
                while not done():
                    if self.closed.is_set():
                        raise AssertionError(f"closed: {self.messages[-3:]}")
                    await self._arrived.wait()

        await asyncio.wait_for(until(), seconds)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self.messages if message["type"] == kind]

    @property
    def client_id(self) -> str:
        return str(self.of_type("welcome")[0]["client_id"])

    @property
    def ops(self) -> list[dict[str, Any]]:
        return [op for message in self.of_type("ops") for op in message["ops"]]

    @property
    def acked(self) -> list[str]:
        return [r["op_id"] for m in self.of_type("ack") for r in m["results"]]

    @property
    def last_seq(self) -> int:
        snapshots = self.of_type("snapshot")
        start = snapshots[-1]["seq"] if snapshots else 0
        return max([start] + [op["seq"] for op in self.ops])

    async def ops_until(self, seq: int) -> list[dict[str, Any]]:
        await self.wait_for(lambda: self.last_seq >= seq)
        return self.ops

    async def send_ops(self, *ops: dict[str, Any]) -> None:
        await self.client.send({"type": "ops", "ops": list(ops)})

    async def close(self) -> None:
        await self.client.close()
        await asyncio.gather(self._reader, return_exceptions=True)


def assert_gapless(ops: list[dict[str, Any]], after: int) -> None:
    """Operations follow ``after`` one by one: none twice, none missing."""
    seqs = [op["seq"] for op in ops]
    assert seqs == list(range(after + 1, after + 1 + len(seqs))), seqs


async def test_acks_follow_the_order_of_ops_messages_with_an_all_invalid_batch(
    instances: tuple[Server, Server],
) -> None:
    board = create_board(instances[0].url)
    peer = await Peer.join(instances[0], board)
    bad = {"op_id": "bad", "kind": "add", "element": {"id": "x", "type": "blob"}}

    for round_ in range(5):
        await peer.send_ops(add(f"good{round_}a", rect(f"e{round_}a")))
        await peer.send_ops(add(f"good{round_}b", rect(f"e{round_}b")))
        await peer.send_ops({**bad, "op_id": f"bad{round_}"})
    await peer.wait_for(lambda: len(peer.acked) == 15)

    expected = [
        f"{kind}{r}{suffix}"
        for r in range(5)
        for kind, suffix in (("good", "a"), ("good", "b"), ("bad", ""))
    ]
    assert peer.acked == expected
    await peer.close()


REFUSE_POISON = """
CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger AS $$
BEGIN
    IF NEW.id LIKE 'poison%' THEN
        RAISE EXCEPTION 'refused value' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER refuse_poison BEFORE INSERT ON elements
    FOR EACH ROW EXECUTE FUNCTION refuse_poison();
"""


async def test_batch_the_database_refuses_leaves_other_clients_batches_applied(
    instances: tuple[Server, Server], database: asyncpg.Connection
) -> None:
    await database.execute(REFUSE_POISON)
    board = create_board(instances[0].url)
    peers = [await Peer.join(instances[0], board) for _ in range(4)]
    watcher = await Peer.join(instances[1], board, role="view")

    for round_ in range(5):
        await asyncio.gather(
            *(
                peer.send_ops(
                    add(f"p{n}r{round_}", rect(f"e{n}r{round_}")),
                    add(f"q{n}r{round_}", rect(f"f{n}r{round_}")),
                )
                for n, peer in enumerate(peers[1:])
            ),
            peers[0].send_ops(add(f"bad{round_}", rect(f"poison{round_}"))),
        )
    for peer in peers:
        await peer.wait_for(
            lambda peer=peer: len(peer.acked) >= 5 + 5 * (peer is not peers[0])
        )

    results = [r for m in peers[0].of_type("ack") for r in m["results"]]
    assert [r["status"] for r in results] == ["rejected"] * 5
    for peer in peers[1:]:
        statuses = [r["status"] for m in peer.of_type("ack") for r in m["results"]]
        assert statuses == ["applied"] * 10
    seen = await watcher.ops_until(30)
    assert_gapless(seen, 0)
    assert len(seen) == 30
    for peer in peers:
        await peer.close()
    await watcher.close()


async def test_same_op_sent_to_both_instances_at_once_is_applied_once(
    instances: tuple[Server, Server],
) -> None:
    board = create_board(instances[0].url)
    alice = await Peer.join(instances[0], board)
    bob = await Peer.join(instances[1], board)

    for number in range(20):
        op = add(f"twin{number}", rect(f"t{number}"))
        await asyncio.gather(alice.send_ops(op), bob.send_ops(op))
    await alice.wait_for(lambda: len(alice.acked) == 20)
    await bob.wait_for(lambda: len(bob.acked) == 20)

    for number in range(20):
        answers = [
            r
            for peer in (alice, bob)
            for m in peer.of_type("ack")
            for r in m["results"]
            if r["op_id"] == f"twin{number}"
        ]
        assert sorted(r["status"] for r in answers) == ["applied", "duplicate"]
        assert answers[0]["seq"] == answers[1]["seq"]
    for peer in (alice, bob):
        seen = await peer.ops_until(20)
        assert_gapless(seen, 0)
        assert sorted(op["op_id"] for op in seen) == sorted(
            f"twin{n}" for n in range(20)
        )
    await alice.close()
    await bob.close()


async def test_many_writers_and_late_joiners_on_two_instances_see_every_op_once(
    instances: tuple[Server, Server],
) -> None:
    board = create_board(instances[0].url)
    writers = [
        await Peer.join(instances[n % 2], board, batch=n % 3 == 0) for n in range(6)
    ]
    rounds, per_batch = 15, 3
    total = len(writers) * rounds * per_batch

    async def write(number: int, peer: Peer) -> None:
        for round_ in range(rounds):
            ops = [
                add(f"w{number}r{round_}o{k}", rect(f"w{number}r{round_}o{k}"))
                for k in range(per_batch)
            ]
            await peer.send_ops(*ops)
            await asyncio.sleep(0.005)

    async def join_late() -> list[tuple[Peer, int]]:
        joined: list[tuple[Peer, int]] = []
        for number in range(6):
            await asyncio.sleep(0.05)
            server = instances[number % 2]
            if number % 2:
                peer = await Peer.join(server, board, batch=number % 3 == 0)
                await peer.wait_for(lambda peer=peer: peer.of_type("snapshot"))
                joined.append((peer, peer.of_type("snapshot")[0]["seq"]))
            else:
                # Behind: a reconnecting client's last_seq, replayed from the log.
                last = max(0, writers[0].last_seq - 2)
                peer = await Peer.join(server, board, last_seq=last, batch=True)
                joined.append((peer, last))
        return joined

    *_, late = await asyncio.gather(
        *(write(n, peer) for n, peer in enumerate(writers)), join_late()
    )

    for number, peer in enumerate(writers):
        await peer.wait_for(lambda peer=peer: len(peer.acked) == rounds * per_batch)
        mine = [f"w{number}r{r}o{k}" for r in range(rounds) for k in range(per_batch)]
        assert peer.acked == mine
        assert_gapless(await peer.ops_until(total), 0)
    for peer, start in late:
        assert_gapless(await peer.ops_until(total), start)
        await peer.close()
    for peer in writers:
        await peer.close()


async def test_board_deleted_with_batches_in_flight_answers_or_closes_every_writer(
    instances: tuple[Server, Server],
) -> None:
    board = create_board(instances[0].url)
    peers = [await Peer.join(instances[n % 2], board) for n in range(4)]
    sent: dict[int, int] = dict.fromkeys(range(len(peers)), 0)

    async def write(number: int, peer: Peer) -> None:
        for round_ in range(40):
            if peer.closed.is_set():
                return
            op = add(f"d{number}r{round_}", rect(f"d{number}r{round_}"))
            try:
                await peer.send_ops(op)
            except Exception:  # the server closed the connection
                return
            sent[number] += 1
            await asyncio.sleep(0.002)

    async def delete_soon() -> None:
        await asyncio.sleep(0.05)
        response = await asyncio.to_thread(
            httpx.delete,
            f"{instances[1].url}/api/boards/{board['id']}",
            headers=bearer(board["edit_token"]),
        )
        assert response.status_code == 204

    await asyncio.gather(*(write(n, p) for n, p in enumerate(peers)), delete_soon())

    for number, peer in enumerate(peers):
        await peer.wait_for(
            lambda p=peer, n=number: p.closed.is_set() or len(p.acked) == sent[n]
        )
        if not peer.closed.is_set():
            # Everything it sent was answered; it still hears of the deletion.
            await asyncio.wait_for(peer.closed.wait(), RECEIVE_SECONDS)
        assert peer.client.close_code == 4404
        kinds = {m["type"] for m in peer.messages} | {
            m.get("code") for m in peer.of_type("error")
        }
        assert "deleted" in kinds or "board_deleted" in kinds


async def test_listener_terminated_while_live_messages_flow_loses_no_ops(
    instances: tuple[Server, Server], database: asyncpg.Connection
) -> None:
    board = create_board(instances[0].url)
    alice = await Peer.join(instances[0], board, batch=True)
    bob = await Peer.join(instances[1], board)
    stop = asyncio.Event()

    async def draw(peer: Peer) -> None:
        number = 0
        while not stop.is_set():
            points = [[float(number), 0.0, 0.5]]
            message = {"type": "stroke", "stroke_id": "s", "points": points}
            await peer.client.send(message)
            await peer.client.send({"type": "cursor", "x": number, "y": 0})
            number += 1
            await asyncio.sleep(0.03)

    async def edit(peer: Peer, name: str) -> None:
        for number in range(60):
            await peer.send_ops(add(f"{name}{number}", rect(f"{name}{number}")))
            await asyncio.sleep(0.01)

    async def terminate() -> None:
        for _ in range(3):
            await asyncio.sleep(0.15)
            await database.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'whiteboard-listener'"
            )

    drawing = [asyncio.create_task(draw(alice)), asyncio.create_task(draw(bob))]
    await asyncio.gather(edit(alice, "a"), edit(bob, "b"), terminate())
    for peer in (alice, bob):
        await peer.wait_for(lambda peer=peer: len(peer.acked) == 60)
        assert_gapless(await peer.ops_until(120), 0)
    for server in instances:
        while httpx.get(f"{server.url}/readyz").status_code != 200:
            await asyncio.sleep(0.05)

    # Live traffic flows again after the listeners came back.
    heard = len(bob.of_type("stroke"))
    await bob.wait_for(lambda: len(bob.of_type("stroke")) > heard + 5)
    stop.set()
    await asyncio.gather(*drawing)
    await alice.close()
    await bob.close()


async def test_plain_clients_get_one_message_per_frame_and_none_of_their_own(
    instances: tuple[Server, Server],
) -> None:
    board = create_board(instances[0].url)
    plain = await Peer.join(instances[0], board)
    other = await Peer.join(instances[1], board, batch=True)

    for number in range(30):
        points = [[float(number), 0.0, 0.5]]
        for peer in (plain, other):
            await peer.client.send(
                {"type": "stroke", "stroke_id": "s", "points": points}
            )
            await peer.client.send({"type": "cursor", "x": number, "y": 1})
        await plain.send_ops(add(f"p{number}", rect(f"p{number}")))
    await plain.wait_for(lambda: len(plain.acked) == 30)
    await plain.wait_for(lambda: len(plain.of_type("stroke")) == 30)
    await other.wait_for(lambda: len(other.of_type("stroke")) >= 30)
    await asyncio.sleep(0.3)

    assert plain.batch_frames == 0
    own = [
        m
        for m in plain.messages
        if m["type"] in ("stroke", "presence") and m["client_id"] == plain.client_id
    ]
    assert own == []
    assert_gapless(await plain.ops_until(30), 0)
    await plain.close()
    await other.close()


async def test_draining_instance_answers_or_sends_reconnect_for_batches_in_flight(
    instances: tuple[Server, Server], tmp_path: Path
) -> None:
    database = {k: v for k, v in instances[0].env.items() if k.startswith("DATABASE_")}
    stopping = Server(database, tmp_path).start().wait_ready()
    board = create_board(instances[0].url)
    peers = [await Peer.join(stopping, board) for _ in range(3)]
    sent: dict[int, list[dict[str, Any]]] = {n: [] for n in range(len(peers))}

    async def write(number: int, peer: Peer) -> None:
        for round_ in range(60):
            op = add(f"s{number}r{round_}", rect(f"s{number}r{round_}"))
            try:
                await peer.send_ops(op)
            except ConnectionClosed:
                return
            sent[number].append(op)
            await asyncio.sleep(0.004)

    async def stop_soon() -> None:
        await asyncio.sleep(0.1)
        stopping.terminate()

    await asyncio.gather(*(write(n, p) for n, p in enumerate(peers)), stop_soon())
    for peer in peers:
        await asyncio.wait_for(peer.closed.wait(), RECEIVE_SECONDS)
        assert peer.client.close_code == 1012
        assert peer.of_type("reconnect")

    # Each client re-sends what was not answered, on the other instance.
    for number, peer in enumerate(peers):
        unanswered = [op for op in sent[number] if op["op_id"] not in peer.acked]
        back = await Peer.join(instances[1], board)
        for op in unanswered:
            await back.send_ops(op)
        count = len(unanswered)
        await back.wait_for(lambda back=back, n=count: len(back.acked) == n)
        statuses = {r["status"] for m in back.of_type("ack") for r in m["results"]}
        assert statuses <= {"applied", "duplicate"}
        await back.close()
    total = sum(len(ops) for ops in sent.values())
    watcher = await Peer.join(instances[0], board, last_seq=0, role="view")
    seen = await watcher.ops_until(total)
    assert_gapless(seen, 0)
    assert sorted(op["op_id"] for op in seen) == sorted(
        op["op_id"] for ops in sent.values() for op in ops
    )
    await watcher.close()
    stopping.stop()
