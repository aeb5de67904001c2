"""Start the build's kernels from a process that has already imported what every chapter imports.

A Jupyter kernel for one chapter spends about a second and a half before the first cell runs:
starting Python, importing ipykernel, IPython, pandas and matplotlib, reading the font list. Every
chapter pays it again, and the build runs fourteen. This module pays it once:

* ``serve SOCKET``: the *server* imports that stack (nothing more: no figure is drawn, no data read,
  no event loop or ZeroMQ context created), then waits on a Unix socket. For each request it forks a
  child, which becomes an ordinary ipykernel with the requester's connection file, working folder,
  environment and standard streams. A fork starts from the state the imports left, so every chapter
  still begins from the same clean state, as a fresh kernel would.
* ``connect CONNECTION_FILE``: the *stand-in*, a few lines of the standard library, which
  jupyter_client launches as if it were the kernel. It hands its request to the server, forwards
  the signals it receives (interrupt, terminate) to the real kernel and exits with the kernel's
  status. When jupyter_client kills the stand-in, the server kills the kernel.
* ``ForkedKernelManager``: the kernel manager that launches the stand-in; ``execution.py`` passes it
  to nbclient when ``HOUSE_KERNEL_SERVER`` names a server's socket.

Only the build uses it (``make book``, ``make pdf``, the editions). The tests and ``make bench``
time each chapter with a kernel started the ordinary way, as a class would run it.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

SOCKET_ENV = "HOUSE_KERNEL_SERVER"
# From "ipykernel.ipkernel" on: what IPKernelApp.initialize imports (debugpy above all),
# about 40 ms of each kernel's start.
PRELOAD = ("ipykernel.kernelapp", "numpy", "pandas", "matplotlib.pyplot", "matplotlib.dates",
           "matplotlib.patches", "PIL.Image", "IPython.display", "evidence",
           "ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.completerlib", "IPython.extensions.storemagic",
           "IPython.core.history", "sqlite3", "tornado.platform.asyncio", "tornado.queues", "psutil")
# What ipykernel itself sets before matplotlib is first used; matplotlib reads it when imported.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
SET_BY_IMPORTS: dict[str, str] = {}   # environment variables the preloaded modules set when imported
INTERRUPT_DELAY = 0.25   # seconds


def _send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    payload = struct.pack("!I", len(data)) + data
    if fds:
        socket.send_fds(sock, [payload], fds)
    else:
        sock.sendall(payload)


def _receive(sock: socket.socket, with_fds: int = 0) -> tuple[dict | None, list[int]]:
    if with_fds:
        data, fds, _, _ = socket.recv_fds(sock, 1 << 20, with_fds)
    else:
        data, fds = sock.recv(1 << 20), []
    if not data:
        return None, fds
    size = struct.unpack("!I", data[:4])[0]
    while len(data) < 4 + size:
        more = sock.recv(1 << 20)
        if not more:
            return None, fds
        data += more
    return json.loads(data[4:4 + size]), fds


# --- the stand-in that jupyter_client launches ---------------------------------------------------

def connect(connection_file: str) -> int:
    """Ask the server for a kernel; live as long as it lives; pass it the signals meant for it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(os.environ[SOCKET_ENV])
    _send(sock, {"connection_file": connection_file, "cwd": os.getcwd(), "env": dict(os.environ)}, [0, 1, 2])
    reply, _ = _receive(sock)
    if reply is None:
        print("kernel server: no kernel was started", file=sys.stderr)
        return 1
    pid = reply["pid"]
    for signum in (signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, lambda number, _frame: os.kill(pid, number))
    # jupyter_client interrupts a kernel just before it kills it. An ordinary kernel dies before it can
    # report the interrupt; this one would print "KeyboardInterrupt caught in kernel" into the build's
    # output while the server kills it. So an interrupt is passed on a moment later, unless the
    # stand-in has been killed meanwhile (an interrupt for a cell that ran too long still arrives).
    import threading

    def interrupt(number, _frame):
        threading.Timer(INTERRUPT_DELAY, os.kill, (pid, number)).start()

    signal.signal(signal.SIGINT, interrupt)
    status, _ = _receive(sock)
    return 1 if status is None else int(status["status"])


# --- the server ----------------------------------------------------------------------------------

def _become_kernel(request: dict, fds: list[int], preloaded: bool) -> None:
    """In the forked child: take the stand-in's streams, folder and environment, then run ipykernel
    (or, if the server could not import the chapters' stack, start an ordinary kernel in its place,
    which then shows the import's error where a chapter meets it)."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        if fd > 2:
            os.close(fd)
    for signum in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.pop(SOCKET_ENV, None)
    if not preloaded:
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", request["connection_file"]])
    for name, value in SET_BY_IMPORTS.items():
        os.environ.setdefault(name, value)
    # as `python -m ipykernel_launcher` has them: the launcher drops the first entry (here the server's folder)
    import importlib.util

    del sys.path[0]
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, "-f", request["connection_file"]]
    # ipykernel read JPY_PARENT_PID when the server imported it, before the launcher had set it
    if os.environ.get("JPY_PARENT_PID"):
        sys.argv.append(f"--IPKernelApp.parent_handle={int(os.environ['JPY_PARENT_PID'])}")
    status = 0
    try:
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=sys.argv[1:])
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # noqa: BLE001 - the child must never return into the server's loop
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _preload() -> None:
    """Import the chapters' stack as a kernel would import it.

    Two things a module may look at when imported differ between this server and a kernel, and both
    are set here as the kernel has them: matplotlib reads ``MPLBACKEND`` (which ipykernel sets to its
    inline backend), and pandas asks ``get_ipython()`` whether it runs in a terminal (in a kernel it
    does not, so tables show up to 20 columns instead of the terminal's width). Without the second,
    a table printed as text came out cut to "[5 rows x 11 columns]". A test compares the outputs
    with those of ordinary kernels (tests/test_notebooks.py).
    """
    import builtins
    import importlib
    import types

    before = dict(os.environ)
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    # debugpy (imported by ipykernel.debugger) warns at import about frozen modules unless told not to;
    # make sets this for every kernel, and the server imports it on their behalf
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    builtins.get_ipython = lambda: types.SimpleNamespace(kernel=None)
    try:
        for module in PRELOAD:
            importlib.import_module(module)
    finally:
        del builtins.get_ipython
        # Variables the imports set for themselves (debugpy sets PYDEVD_USE_FRAME_EVAL) are given to each
        # kernel as its own import would have set them; the two set here, each kernel sets for itself.
        SET_BY_IMPORTS.update({k: v for k, v in os.environ.items()
                               if k not in before and k not in ("MPLBACKEND", "PYDEVD_DISABLE_FILE_VALIDATION")})
        os.environ.clear()
        os.environ.update(before)


def serve(path: str) -> int:
    """Import the chapters' stack, then fork a kernel for each request on the socket at ``path``."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)   # bound before the imports: a request made meanwhile waits in the backlog
    listener.listen(16)
    try:
        _preload()
        preloaded = True
    except Exception:  # noqa: BLE001 - reported, and every kernel then starts the ordinary way
        import traceback

        traceback.print_exc()
        print("kernel server: the chapters' stack could not be imported; kernels start the ordinary way",
              file=sys.stderr)
        preloaded = False

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}   # kernel pid -> the stand-in's connection
    while not stopping:
        for key, _ in selector.select(timeout=0.05):
            if key.fileobj is listener:
                conn, _ = listener.accept()
                request, fds = _receive(conn, with_fds=3)
                if request is None or len(fds) != 3:
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    conn.close()
                    for other in children.values():
                        other.close()
                    selector.close()
                    _become_kernel(request, fds, preloaded)
                for fd in fds:
                    os.close(fd)
                children[pid] = conn
                _send(conn, {"pid": pid})
                selector.register(conn, selectors.EVENT_READ, pid)
            else:   # the stand-in went away (killed by jupyter_client): the kernel goes too
                try:
                    os.kill(key.data, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                selector.unregister(key.fileobj)
        while children:   # reap the kernels that ended and tell their stand-ins
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = children.pop(pid, None)
            if conn is not None:
                try:
                    _send(conn, {"status": os.waitstatus_to_exitcode(status)})
                except OSError:
                    pass
                if conn in (key.fileobj for key in selector.get_map().values()):
                    selector.unregister(conn)
                conn.close()
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    listener.close()
    os.unlink(path)
    return 0


@contextlib.contextmanager
def running():
    """A server for the duration of the block, named to the kernels started in it (through the environment)."""
    folder = tempfile.mkdtemp(prefix="house-kernels-")
    path = os.path.join(folder, "server.sock")
    server = subprocess.Popen([sys.executable, os.path.abspath(__file__), "serve", path])
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(path) and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if server.poll() is None and os.path.exists(path):
            os.environ[SOCKET_ENV] = path
        yield
    finally:
        os.environ.pop(SOCKET_ENV, None)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(folder, ignore_errors=True)


def manager_class():
    """The kernel manager that launches the stand-in instead of ``python -m ipykernel_launcher``."""
    from jupyter_client.manager import AsyncKernelManager

    class ForkedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            if not os.path.exists(os.environ.get(SOCKET_ENV, "")):   # no server: an ordinary kernel
                return super().format_kernel_cmd(extra_arguments)
            return [sys.executable, "-I", "-S", os.path.abspath(__file__), "connect",
                    os.path.realpath(self.connection_file)]

        def _context_default(self):
            # The client connects before the kernel has bound its ports and ZeroMQ retries every 0.1 s;
            # a forked kernel binds them within milliseconds, so retry sooner.
            import zmq

            context = super()._context_default()
            context.setsockopt(zmq.RECONNECT_IVL, 5)
            return context

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            # After killing the kernel jupyter_client checks whether it is gone every 0.1 s, and the
            # first check always comes too early: 0.1 s per chapter. The stand-in ends at once.
            await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    return ForkedKernelManager


if __name__ == "__main__":
    command, argument = sys.argv[1:3]
    sys.exit({"serve": serve, "connect": connect}[command](argument))
