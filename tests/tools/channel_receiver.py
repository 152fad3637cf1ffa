#!/usr/bin/env python3
"""channel_receiver.py — stands in for a 企业微信 robot, a 钉钉 robot and a mail
server, and checks what reaches it against their documented formats.

    channel_receiver.py DIR DINGTALK_SECRET

HTTP on one free port (DIR/http_port):
  POST /wecom/send?key=K          {"msgtype":"markdown","markdown":{"content":str ≤ 4096 bytes}}
  POST /dingtalk/robot/send?access_token=T&timestamp=MS&sign=S
                                  {"msgtype":"markdown","markdown":{"title":str,"text":str}}, the
                                  timestamp within an hour of now and S the base64 HMAC-SHA256 of
                                  "MS\\nSECRET" keyed by SECRET
Each answers 200 with {"errcode":0,"errmsg":"ok"} when the message is right, else a robot's
error code and its reason; each request goes to DIR/<robot>.jsonl with the verdict.
SMTP on another (DIR/smtp_port): EHLO/HELO, MAIL FROM, RCPT TO, DATA, QUIT; each message
is written to DIR/mail-N.eml with its envelope in DIR/mail-N.env. Stops on SIGTERM.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import socketserver
import sys
import threading
import time
import urllib.parse

DIR, SECRET = sys.argv[1], sys.argv[2]
lock = threading.Lock()


def record(name, entry):
    with lock, open(os.path.join(DIR, name + ".jsonl"), "a") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def check_wecom(query, msg):
    if "key" not in query:
        return 93000, "invalid webhook url: no key"
    md = msg.get("markdown") or {}
    if msg.get("msgtype") != "markdown" or not isinstance(md.get("content"), str) or not md["content"]:
        return 40008, "invalid message type"
    if len(md["content"].encode()) > 4096:
        return 40058, "content exceed max length"
    return 0, "ok"


def check_dingtalk(query, msg):
    if "access_token" not in query:
        return 300001, "token is not exist"
    ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if not ts.isdigit() or abs(time.time() * 1000 - int(ts)) > 3600 * 1000:
        return 310000, "invalid timestamp"
    want = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(want, sign):
        return 310000, "sign not match"
    md = msg.get("markdown") or {}
    if msg.get("msgtype") != "markdown" or not md.get("title") or not md.get("text"):
        return 40035, "missing parameter"
    return 0, "ok"


class Robots(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        robot = "wecom" if url.path == "/wecom/send" else "dingtalk" if url.path == "/dingtalk/robot/send" else None
        try:
            msg = json.loads(body)
        except ValueError:
            msg = None
        if robot is None or msg is None or "application/json" not in self.headers.get("Content-Type", ""):
            code, why = 40001, "not a robot message"
        else:
            code, why = (check_wecom if robot == "wecom" else check_dingtalk)(query, msg)
        record(robot or "unknown", {"errcode": code, "errmsg": why, "message": msg})
        out = json.dumps({"errcode": code, "errmsg": why}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


class Smtp(socketserver.StreamRequestHandler):
    count = 0

    def say(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sender, rcpts = None, []
        self.say("220 channel_receiver ESMTP")
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if not line or verb == "QUIT":
                self.say("221 bye")
                return
            if verb in ("EHLO", "HELO"):
                self.say("250 channel_receiver")
            elif verb == "MAIL":
                sender = line[10:].strip()
                self.say("250 ok")
            elif verb == "RCPT":
                rcpts.append(line[8:].strip())
                self.say("250 ok")
            elif verb == "DATA":
                self.say("354 end with .")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    chunk = self.rfile.readline()
                    if not chunk:
                        return
                    data += chunk
                with lock:
                    Smtp.count += 1
                    n = Smtp.count
                with open(os.path.join(DIR, f"mail-{n}.eml"), "wb") as f:
                    f.write(data[:-5])
                with open(os.path.join(DIR, f"mail-{n}.env"), "w") as f:
                    f.write(json.dumps({"from": sender, "to": rcpts}))
                self.say("250 queued")
            else:
                self.say("250 ok")


def publish(name, port):
    with open(os.path.join(DIR, name + ".tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(DIR, name + ".tmp"), os.path.join(DIR, name))


socketserver.ThreadingTCPServer.allow_reuse_address = True
smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Smtp)
threading.Thread(target=smtp.serve_forever, daemon=True).start()
web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Robots)
publish("smtp_port", smtp.server_address[1])
publish("http_port", web.server_address[1])
web.serve_forever()
