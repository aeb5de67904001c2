"""`make lab`: tell JupyterLab (in the book's venv) to open MyST .md chapters as notebooks and
to fetch nothing from the network (no news, no update checks, no extension manager)."""

import json
import sys
from pathlib import Path

venv = Path(sys.argv[1] if len(sys.argv) > 1 else ".venv")
settings = venv / "share" / "jupyter" / "lab" / "settings"
settings.mkdir(parents=True, exist_ok=True)
overrides = {
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}},
    "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}
(settings / "overrides.json").write_text(json.dumps(overrides, indent=2), encoding="utf-8")
print(f"JupyterLab settings written to {settings / 'overrides.json'}")
