#!/usr/bin/env python3
"""A TCP server on 127.0.0.1 that is not Redis, for tests/engines/redis.sh.

usage: not_redis.py PORT MODE
  garbage  answers every request with an HTTP error (a protocol error for a
           Redis client)
  pong     answers the first request of each connection with +PONG (so the
           client's handshake passes) and every later one with garbage

Writes "listening" on stdout once it accepts connections; runs until
killed.
"""
import socket
import sys
import threading

GARBAGE = b"HTTP/1.0 400 Bad Request\r\n\r\n"


def serve(conn, mode):
    first = True
    try:
        while conn.recv(65536):
            conn.sendall(b"+PONG\r\n" if mode == "pong" and first else GARBAGE)
            first = False
    except OSError:
        pass
    conn.close()


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    print("listening", flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
