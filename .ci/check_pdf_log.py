"""Fail `make pdf` when xelatex silently dropped glyphs (it only logs "Missing character")."""

import re
import sys
from pathlib import Path

log = Path(sys.argv[1]).read_text(encoding="utf-8", errors="replace")
missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", log)))
if missing:
    sys.exit(f"{sys.argv[1]}: {len(missing)} glyphs missing from the PDF, e.g. {', '.join(missing[:10])}")
print(f"{sys.argv[1]}: no missing characters")
