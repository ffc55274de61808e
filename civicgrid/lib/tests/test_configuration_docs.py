"""docs/configuration.md names every setting that settings.py reads from the environment."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_environment_variable_is_documented():
    settings = (ROOT / "civicgrid" / "settings.py").read_text()
    docs = (ROOT / "docs" / "configuration.md").read_text()
    read = set(re.findall(r"""env_\w+\(\s*["']([A-Z0-9_]+)["']""", settings))
    assert read, "found no env_* calls in settings.py"
    missing = sorted(name for name in read if f"| `{name}` |" not in docs)
    assert not missing, f"add these to the table in docs/configuration.md: {missing}"
