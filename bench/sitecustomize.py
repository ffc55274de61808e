"""Imported at start-up by every bench process, since bench/ is on PYTHONPATH.

When `bench/run --ref` measures a snapshot, the editable install of civicgrid would
still import any module the snapshot lacks from the work tree; BENCH_ISOLATE=1 removes
its finder so a snapshot is measured alone.
"""

import os
import sys

if os.environ.get("BENCH_ISOLATE") == "1":
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in str(f)]
    sys.path[:] = [p for p in sys.path if "__editable__" not in p]
