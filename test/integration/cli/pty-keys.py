"""Runs a command on a pseudo-terminal and types keys once the screen shows a given text.

usage: pty-keys.py '<json>' where json = {"argv": [...], "env": {...}, "steps": [["text to wait for", "keys"], ...],
                                          "timeout": seconds, "rows": terminal rows (default 24)}
Prints {"output", "code" (null if it had to be killed), "seconds" (from the last keys to exit)} as JSON.
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
# A real terminal has a size; spinners lay out their line by it.
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", spec.get("rows", 24), 100, 0, 0))

out = b""
deadline = time.time() + spec.get("timeout", 20)


def pump(until=None):
    """Reads the terminal until `until` shows up, the child exits, or the deadline passes."""
    global out
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            out += chunk
            if until and until.encode() in out:
                return True
    return False


sent_at = time.time()
for wait_for, keys in spec["steps"]:
    if not pump(until=wait_for):
        break
    os.write(fd, keys.encode())
    sent_at = time.time()
pump()
code = None
while True:
    finished, status = os.waitpid(pid, os.WNOHANG)
    if finished != 0:
        code = os.waitstatus_to_exitcode(status)
        break
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        break
    time.sleep(0.02)
print(json.dumps({"output": out.decode(errors="replace"), "code": code, "seconds": round(time.time() - sent_at, 2)}))
