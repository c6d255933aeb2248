#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""An SMTP server that keeps what it receives, for the mail delivery tests
(tests/http/test_notify_send.c), built on Debian's python3-aiosmtpd.

usage: smtp_sink.py DIR [--port N] [--rcpt-reply REPLY] [--data-reply REPLY]

Listens on a free loopback port (or N) and writes it to DIR/port once it
accepts connections. Messages already in DIR are kept: numbering goes on
after them, so a sink started again on the same folder adds to it. Each message accepted is stored before the server answers
the end of DATA, as DIR/N.eml (the bytes received, after the server undid
the dot-stuffing; line ends as sent) and DIR/N.json: the envelope
("mail_from", "rcpt_tos") and what Python's email package reads from the
message ("subject" decoded, "headers" as [name, raw value] pairs, "body"
decoded).

--rcpt-reply REPLY answers every RCPT with REPLY (e.g. "550 no such user")
--data-reply REPLY answers the end of DATA with REPLY and stores nothing
"""
import argparse
import asyncio
import email
import email.policy
import json
import os

from aiosmtpd.smtp import SMTP


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Handler:
    def __init__(self, folder, rcpt_reply, data_reply):
        self.folder = folder
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.count = sum(1 for f in os.listdir(folder) if f.endswith(".eml"))

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        raw = envelope.original_content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "headers": [[k, v] for k, v in msg.raw_items()],
            "body": body.get_content() if body is not None else None,
        }
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        write_atomic(base + ".eml", raw)
        write_atomic(base + ".json", json.dumps(record).encode("utf-8"))
        return "250 Message accepted for delivery"


async def serve(args):
    handler = Handler(args.dir, args.rcpt_reply, args.data_reply)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.invalid"),
        host="127.0.0.1",
        port=args.port,
        reuse_address=True,
    )
    port = server.sockets[0].getsockname()[1]
    write_atomic(os.path.join(args.dir, "port"), str(port).encode("ascii"))
    await server.serve_forever()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--rcpt-reply")
    p.add_argument("--data-reply")
    asyncio.run(serve(p.parse_args()))


if __name__ == "__main__":
    main()
