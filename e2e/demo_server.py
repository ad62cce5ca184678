"""A Sanbao server on the demo city, on 127.0.0.1 and a free port, for the browser checks and
for recording the render tests' page fixtures. Stopped by its own pid."""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def demo_server(**env_extra):
    """Yields the server's base URL; `env_extra` adds to its environment."""
    binary = os.environ.get("SANBAO_BIN", os.path.join(ROOT, ".build", "debug", "sanbao"))
    workdir = tempfile.mkdtemp(prefix="sanbao-demo-")
    port = free_port()
    env = dict(os.environ, DATABASE_URL="sqlite:" + os.path.join(workdir, "demo.sqlite"), SANBAO_BCRYPT_COST="6", **env_extra)
    log = open(os.path.join(workdir, "server.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--demo", "--hostname", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except Exception:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("server did not start; see " + log.name)
                time.sleep(0.3)
        yield base
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)
