"""``jupyter-book``, then an immediate exit: what ``make`` runs instead of the ``jupyter-book`` command.

After a clean build, Python spent 1.6-2.5 s tearing down what Sphinx had left in memory (the
environment, every page's doctree, the bibliography) before the process ended, and ``make`` waited
for it. By then every file is written and closed, so this runner ends the process as soon as
jupyter-book returns: it runs the exit handlers the modules registered, flushes the output and leaves
with jupyter-book's own exit status. An exception that escapes jupyter-book ends the process the
ordinary way, with its traceback.

Usage: ``python book/_ext/run_jupyter_book.py build . -W ...`` (the arguments of ``jupyter-book``).
"""

from __future__ import annotations

import atexit
import logging
import os
import sys


def run(arguments: list[str]) -> None:
    from jupyter_book.cli.main import main

    try:
        main(args=arguments, prog_name="jupyter-book")
        status = 0
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            status = exit_.code or 0
        else:   # a message, which Python would print
            print(exit_.code, file=sys.stderr)
            status = 1
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    run(sys.argv[1:])
