#!/usr/bin/env python3
"""webhook_receiver.py — a webhook for the escalation tests that fails, then succeeds.

    webhook_receiver.py DIR FAIL_FIRST

Listens on 127.0.0.1 (a free port, written to DIR/port). Each POSTed alert
(JSON with "alert_id") is answered 500 for its first FAIL_FIRST attempts and
200 after; every request is appended to DIR/requests (alert id, status) and
every accepted body to DIR/delivered.jsonl, and to DIR/in_flight the number
of requests it was handling when this one came (itself included; counted
until its answer is about to leave, so one that follows an answer never
counts the request answered). Stops on SIGTERM.
"""
import http.server
import json
import os
import sys
import threading

DIR, FAIL_FIRST = sys.argv[1], int(sys.argv[2])
attempts = {}
lock = threading.Lock()
in_flight = 0


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global in_flight
        with lock:
            in_flight += 1
            with open(os.path.join(DIR, "in_flight"), "a") as f:
                f.write(f"{in_flight}\n")
        try:
            status = self.record()
        finally:
            with lock:
                in_flight -= 1
        self.send_response(status)
        self.end_headers()

    def record(self):
        """The status to answer this request with, the request recorded."""
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            alert = json.loads(body)["alert_id"]
        except (ValueError, KeyError):
            return 400
        attempts[alert] = attempts.get(alert, 0) + 1
        status = 500 if attempts[alert] <= FAIL_FIRST else 200
        with open(os.path.join(DIR, "requests"), "a") as f:
            f.write(f"{alert} {status}\n")
        if status == 200:
            with open(os.path.join(DIR, "delivered.jsonl"), "ab") as f:
                f.write(body + b"\n")
        return status

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()
