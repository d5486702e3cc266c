"""REST requests the backend refuses early: bodies too large however they are sent."""

import socket

from backend_servers import Server

CHUNKED_POST = (
    b"POST /api/boards HTTP/1.1\r\n"
    b"Host: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
)


def answer_to(sock: socket.socket) -> bytes:
    """What the server sends until it has answered or closed, within 15 s."""
    sock.settimeout(15)
    received = b""
    while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def test_chunked_body_over_the_limit_is_refused_while_it_arrives(
    server: Server,
) -> None:
    chunk = b'{"name": "' + b"x" * 300_000

    # The body never ends: the answer must come before the rest is sent.
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(CHUNKED_POST + b"%x\r\n%s\r\n" % (len(chunk), chunk))
        answer = answer_to(sock)

    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"code":"too_large"' in answer
