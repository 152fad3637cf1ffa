#!/usr/bin/env python3
"""silent_receiver.py — a webhook that hangs: it takes every connection and never answers.

    silent_receiver.py DIR

Listens on 127.0.0.1 (a free port, written to DIR/port); each connection it
takes adds a line to DIR/accepted and is held open, unread and unanswered,
until the receiver stops (SIGTERM), so every POST to it waits for the
sender's time limit: a unit's webhook whose host has gone quiet.
"""
import os
import socket
import sys

DIR = sys.argv[1]
held = []
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(listener.getsockname()[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
while True:
    conn, _ = listener.accept()
    held.append(conn)
    with open(os.path.join(DIR, "accepted"), "a") as f:
        f.write("1\n")
