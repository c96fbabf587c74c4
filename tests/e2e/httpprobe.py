# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 cgnat authors
"""Raw HTTP probes of cgnat's /metrics, run by test_metrics.py inside the
router namespace (where the endpoint listens). Prints one JSON object.

  httpprobe.py request PORT        the request's bytes on stdin
  httpprobe.py stall PORT          idle and slow clients beside scrapers
"""

import json
import socket
import sys
import threading
import time

ADDR = "127.0.0.1"


def exchange(port, data, timeout=20):
    """Send data, read until the server closes; the answer and how."""
    s = socket.create_connection((ADDR, port), timeout=timeout)
    t0 = time.time()
    end = "eof"
    try:
        if data:
            s.sendall(data)
        buf = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    except ConnectionResetError:
        end = "reset"
    except socket.timeout:
        end = "timeout"
    finally:
        s.close()
    return parse(buf, end, time.time() - t0)


def parse(buf, end, seconds):
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return {"status": status, "status_line": lines[0], "headers": headers,
            "body": body.decode("utf-8", "replace"), "end": end,
            "seconds": round(seconds, 3)}


def idle(port, out):
    """Connect and send nothing; see what the server does and when."""
    out.update(exchange(port, b""))


def slow(port, out):
    """A request head one byte every 0.4 s (it would take a minute)."""
    s = socket.create_connection((ADDR, port), timeout=20)
    t0 = time.time()
    req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 150
    buf = b""
    try:
        for i in range(len(req)):
            s.send(req[i:i + 1])
            time.sleep(0.4)
            s.setblocking(False)
            try:
                d = s.recv(65536)
                if not d:
                    break
                buf += d
            except BlockingIOError:
                pass
            finally:
                s.setblocking(True)
    except (BrokenPipeError, ConnectionResetError):
        pass
    s.close()
    out.update(parse(buf, "closed", time.time() - t0))


def stall(port):
    res = {"idle": {}, "slow": {}, "scrapes": []}
    threads = [threading.Thread(target=idle, args=(port, res["idle"])),
               threading.Thread(target=slow, args=(port, res["slow"]))]
    for t in threads:
        t.start()
    time.sleep(0.5)
    # Eight scrapers at once while the two above hold their connections.
    get = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    scrapers = []
    for _ in range(8):
        def one():
            res["scrapes"].append(exchange(port, get))
        t = threading.Thread(target=one)
        t.start()
        scrapers.append(t)
    for t in scrapers + threads:
        t.join()
    for r in res["scrapes"]:
        r["body_len"] = len(r.pop("body"))
    return res


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "request":
        print(json.dumps(exchange(port, sys.stdin.buffer.read())))
    elif mode == "stall":
        print(json.dumps(stall(port)))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
