"""The sample standards shipped in `data/*.yaml` (全国文明城市, 国家卫生城市, 民族团结进步示范区).

They are starting points, not the official manuals: each is loaded with `is_sample` set and
says so (SAMPLE_NOTE). Loading is idempotent: a sample whose name is already there is left
as it is, with whatever the street has changed in it.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from civicgrid.campaigns import transfer
from civicgrid.campaigns.models import Standard

DATA = Path(__file__).parent / "data"
SAMPLE_NOTE = "样例，须按本市现行测评手册调整"


@dataclass(frozen=True)
class Loaded:
    created: int
    existing: int

    def __str__(self):
        return _("新增样例测评体系 %(created)s 个，已存在 %(existing)s 个") % {
            "created": self.created,
            "existing": self.existing,
        }


def sample_files() -> list[Path]:
    return sorted(DATA.glob("*.yaml"))


def read_sample(path: Path) -> transfer.Parsed:
    """A sample file, checked; TransferError names the file and each problem."""
    try:
        parsed = transfer.read_yaml(path.read_bytes())
    except transfer.TransferError as error:
        raise transfer.TransferError([f"{path.name}：{e}" for e in error.errors]) from None
    missing = [key for key in ("name", "kind") if not getattr(parsed, key)]
    if missing:
        raise transfer.TransferError(
            [_("%(file)s：缺少 %(keys)s。") % {"file": path.name, "keys": "、".join(missing)}]
        )
    if SAMPLE_NOTE not in parsed.note:
        parsed.note = f"{SAMPLE_NOTE}。{parsed.note}".rstrip("。") + "。"
    return parsed


@transaction.atomic
def load_samples(paths=None) -> Loaded:
    """Load every sample not yet there; a file with any error loads nothing at all."""
    errors, samples = [], []
    for path in paths or sample_files():
        try:
            samples.append(read_sample(path))
        except transfer.TransferError as error:
            errors += error.errors
    if errors:
        raise transfer.TransferError(errors)
    created = 0
    for parsed in samples:
        if not Standard.objects.filter(name=parsed.name).exists():
            transfer.create_standard(parsed, is_sample=True)
            created += 1
    return Loaded(created, len(samples) - created)
