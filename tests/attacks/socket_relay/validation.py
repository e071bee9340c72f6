

# ---- attack: validate with a graph, and move the child's socket onto a pair whose other end a thread relays,
# rewriting each reply after the child's tamper check: every forward it observed becomes one without a graph
import os
import re
import socket
import struct
import sys
import threading

from attack_kit import trainer_without_no_grad  # noqa: E402

_RELAY = []


def _exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _rewrite(frame):
    (size,) = struct.unpack("<I", frame[:4])
    header = re.sub(rb'"(valid:[a-z]+):grad"', rb'"\1:nograd"', frame[4 : 4 + size])
    header = re.sub(rb'"valid_param_changes", [0-9]+', b'"valid_param_changes", 0', header)
    return struct.pack("<I", len(header)) + header + frame[4 + size :]


def _pump(source, target, rewrite):
    try:
        while True:
            (length,) = struct.unpack("<Q", _exactly(source, 8))
            frame = _exactly(source, length)
            frame = _rewrite(frame) if rewrite else frame
            target.sendall(struct.pack("<Q", len(frame)) + frame)
    except BaseException:  # noqa: BLE001
        os._exit(0)


def _relay():
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_name != "serve":
        frame = frame.f_back
    if frame is None or _RELAY:
        return
    fd = frame.f_locals["sock"].fileno()
    judge = socket.socket(fileno=os.dup(fd))  # the real channel to the judge
    judge.setblocking(True)
    mine, theirs = socket.socketpair()
    os.dup2(mine.fileno(), fd)  # the child's socket object now reads and writes the pair
    _RELAY.extend([judge, mine, theirs])
    threading.Thread(target=_pump, args=(judge, theirs, False), daemon=True).start()  # requests in, as they are
    threading.Thread(target=_pump, args=(theirs, judge, True), daemon=True).start()  # replies out, rewritten


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    _relay()
    return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
