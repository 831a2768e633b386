"""Runs a command on a pseudo-terminal of 100x30, waits for a text, types Ctrl-C, and reports.

usage: pty-ctrl-c.py '<json>' where json = {"argv": [...], "until": "text", "timeout": 15}
Prints {"output", "code", "seconds_after_ctrl_c", "found"} as JSON; the command is killed
(code "killed") when it has not ended 10 s after Ctrl-C.
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(spec["argv"][0], spec["argv"])
# A real terminal has a size; spinners compute their lines from it.
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))

out = b""


def read(until=None, timeout=15.0):
    global out
    end = time.time() + timeout
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return "eof"
            if not chunk:
                return "eof"
            out += chunk
            if until and until.encode() in out:
                return "found"
    return "timeout"


found = read(until=spec["until"], timeout=spec.get("timeout", 15))
time.sleep(0.3)  # the spinner is up again
os.write(fd, b"\x03")
sent = time.time()
read(timeout=10)
# The terminal closes a moment before the process is gone: wait for it (up to 10 s).
deadline = sent + 10
done, status = os.waitpid(pid, os.WNOHANG)
while done == 0 and time.time() < deadline:
    time.sleep(0.02)
    done, status = os.waitpid(pid, os.WNOHANG)
if done == 0:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    code = "killed"
else:
    code = os.waitstatus_to_exitcode(status)
print(json.dumps({"output": out.decode(errors="replace"), "code": code, "found": found == "found", "seconds_after_ctrl_c": round(time.time() - sent, 2)}))
