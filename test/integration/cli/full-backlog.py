"""A loopback listener that never accepts, its backlog already full: connecting to it hangs.

Prints the port, then holds the socket until stdin closes.
"""
import socket, sys, time

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(0)
port = server.getsockname()[1]
fillers = []
for _ in range(3):
    filler = socket.socket()
    filler.setblocking(False)
    try:
        filler.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(filler)
time.sleep(0.2)
print(port, flush=True)
sys.stdin.read()
