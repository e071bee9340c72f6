"""A warm grading service: one worker kept running, so that ``grade --server`` skips the start-up.

Starting a judge costs about three seconds (two interpreters import torch;
the reference results are recomputed). An instructor grading submissions one
at a time, or a grading machine, can start the service once::

    python -m autograder serve --socket /tmp/autograder.sock &
    python -m autograder grade sub/ --server /tmp/autograder.sock

The socket is a Unix socket readable and writable by its owner only. Each
request is one JSON line ``{"path": ..., "select": ...}``; the answer is one
JSON line with the report (as :class:`autograder.workers.Worker.grade` gives
it). Submissions are graded one after the other, each in its own sandboxed
child, exactly as without the service.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
from pathlib import Path

from autograder.course.config import Course
from autograder.workers import Worker

REQUEST_LIMIT = 64 * 1024
DEFAULT_SOCKET = f"/tmp/autograder-{os.getuid() if hasattr(os, 'getuid') else 'user'}.sock"
SERVER_VARIABLE = "AUTOGRADER_SERVER"  # `grade --server`'s default, read by the command line only


def serve(path: Path, course: Course, ready: callable = print) -> None:
    """Grade requests arriving on the Unix socket at ``path``, under ``course``, until interrupted."""
    worker = Worker(course)
    path = Path(path)
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)  # the socket is created 0600: only its owner may ask for grades
    try:
        listener.bind(str(path))
    finally:
        os.umask(old_mask)
    listener.listen(8)
    ready(f"grading service ready on {path}")
    try:
        while True:
            connection, _ = listener.accept()
            with connection:
                answer = _answer(worker, connection)
                connection.sendall(json.dumps(answer).encode() + b"\n")
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()
        path.unlink(missing_ok=True)
        worker.close()


def _answer(worker, connection: socket.socket) -> dict:
    try:
        request = json.loads(_read_line(connection, REQUEST_LIMIT))
        parts = tuple(request["parts"]) if request.get("parts") else None
        return worker.grade(Path(request["path"]).resolve(), select=request.get("select"), parts=parts)
    except (ValueError, KeyError, TypeError, OSError) as error:
        return {"error": f"bad request: {error}"}


def _read_line(connection: socket.socket, limit: int) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ValueError("request too long")
    return data


def request_grade(
    server: Path, path: Path, select: str | None = None, timeout: float = 1800.0, parts: tuple[str, ...] | None = None
) -> dict:
    """Ask a running service to grade ``path`` (only ``parts``, default all); returns its answer (raises OSError if none is listening)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(str(server))
        connection.sendall(json.dumps({"path": str(Path(path).resolve()), "select": select, "parts": list(parts or [])}).encode() + b"\n")
        answer = json.loads(_read_line(connection, 1 << 30))
    if "error" in answer:
        raise ValueError(answer["error"])
    return answer


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--socket", default=DEFAULT_SOCKET, help="the Unix socket to listen on")


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder serve --socket PATH``: keep a warm grader answering ``grade --server``, under ``course``."""
    serve(Path(args.socket), course, ready=lambda message: print(message, flush=True))
    return 0
