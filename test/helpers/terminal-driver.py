"""Runs a command on a pseudo-terminal and types keys once the screen shows a given text.

usage: terminal-driver.py '<json>' where json = {
  "argv": [...], "env": {...},
  "steps": [{"after": "text on screen", "keys": "what to type", "pause": seconds before typing}, ...],
  "timeout": seconds for the whole run (the command is killed after it), "rows": 24, "cols": 100
}
Prints {"output": everything the terminal showed, "code": exit code (null if it had to be killed),
"seen": how many steps' texts appeared, "seconds": from the last keys typed to the exit} as JSON.
Driven by test/helpers/pty.ts.
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
# A real terminal has a size; spinners lay out their line by it.
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", spec.get("rows", 24), spec.get("cols", 100), 0, 0))

out = b""
deadline = time.time() + spec.get("timeout", 20)


def pump(until=None):
    """Reads the terminal until `until` shows up (True), the child closes it, or the deadline passes."""
    global out
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            out += chunk
            if until and until.encode() in out:
                return True
    return False


seen = 0
sent_at = time.time()
for step in spec["steps"]:
    if not pump(until=step["after"]):
        break
    seen += 1
    time.sleep(step.get("pause", 0))
    os.write(fd, step["keys"].encode())
    sent_at = time.time()
pump()
# The terminal closes a moment before the process is gone: wait for it, up to the deadline.
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
print(json.dumps({"output": out.decode(errors="replace"), "code": code, "seen": seen, "seconds": round(time.time() - sent_at, 2)}))
