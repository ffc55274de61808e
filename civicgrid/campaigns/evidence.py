"""佐证材料 for the 材料审核: how complete each indicator's and each unit's material is, and
all the accepted material in one ZIP laid out by indicator ("1.1.1 指标名/文件名").

Completeness counts accepted files against the quantity each requirement asks for; files
beyond that quantity do not make up for another requirement. Every figure is one
aggregate query. A small ZIP is streamed as it is written; a large one is built by the
background worker while the person waits on a page, as large case exports are.
"""

import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from civicgrid.campaigns.models import Campaign, Evidence, EvidenceRequirement
from civicgrid.lib import exports
from civicgrid.lib.images import MB

ACCEPTED = Evidence.Status.ACCEPTED
SUBMITTED = Evidence.Status.SUBMITTED
RETURNED = Evidence.Status.RETURNED

# Above either limit the ZIP is left to the worker: a request should not stream for minutes.
DIRECT_FILES = 200
DIRECT_BYTES = 200 * MB
CHUNK = 1 * MB
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')  # not allowed in a folder name on Windows


# --- completeness ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    required: int
    accepted: int  # accepted files, each requirement counted up to its quantity

    @property
    def percent(self) -> int:
        return 100 if not self.required else self.accepted * 100 // self.required

    @property
    def complete(self) -> bool:
        return self.accepted >= self.required

    @property
    def missing(self) -> int:
        return self.required - self.accepted


def scoped_requirements(authz, campaign: Campaign):
    """The campaign's requirements the person may see, free of the scope's joins (which
    would multiply the counts below)."""
    visible = authz.restrict(campaign.evidence_requirements.all(), "campaigns.view")
    return EvidenceRequirement.objects.filter(pk__in=visible.values("pk"))


def with_counts(requirements):
    """Each requirement with its accepted, pending (待审核) and returned files."""
    return requirements.annotate(
        accepted=Count("files", filter=Q(files__status=ACCEPTED)),
        pending=Count("files", filter=Q(files__status=SUBMITTED)),
        returned=Count("files", filter=Q(files__status=RETURNED)),
    )


def _met():
    """A requirement's accepted files, up to the quantity it asks for."""
    accepted = (
        Evidence.objects.filter(requirement=OuterRef("pk"), status=ACCEPTED)
        .order_by()
        .values("requirement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    count = Coalesce(Subquery(accepted), Value(0), output_field=IntegerField())
    return Least(count, F("quantity"), output_field=IntegerField())


def _sums(rows):
    return rows.annotate(required=Sum("quantity"), done=Sum(_met()))


def total(requirements) -> Completeness:
    sums = requirements.aggregate(required=Sum("quantity"), done=Sum(_met()))
    return Completeness(sums["required"] or 0, sums["done"] or 0)


def by_indicator(requirements) -> dict[int, Completeness]:
    rows = _sums(requirements.order_by().values("indicator"))
    return {row["indicator"]: Completeness(row["required"], row["done"]) for row in rows}


@dataclass(frozen=True)
class UnitCompleteness:
    unit: str
    completeness: Completeness


def by_unit(requirements) -> list[UnitCompleteness]:
    """Per providing unit (department or community), least complete first."""
    rows = _sums(requirements.order_by().values("department__name", "area__name"))
    units = [
        UnitCompleteness(
            row["department__name"] or row["area__name"] or _("未指定提供单位"),
            Completeness(row["required"], row["done"]),
        )
        for row in rows
    ]
    return sorted(units, key=lambda u: (u.completeness.percent, u.unit))


# --- the ZIP ---------------------------------------------------------------------------------


def accepted_evidence(authz, campaign: Campaign):
    """The campaign's accepted files the person may see, in indicator order."""
    visible = authz.restrict(
        Evidence.objects.filter(requirement__campaign=campaign, status=ACCEPTED), "campaigns.view"
    )
    return (
        Evidence.objects.filter(pk__in=visible.values("pk"))
        .select_related("requirement__indicator")
        .order_by("requirement__indicator__code", "uploaded_at", "pk")
    )


def zip_filename(campaign: Campaign) -> str:
    return _("%(campaign)s-佐证材料-%(at)s.zip") % {
        "campaign": campaign.name,
        "at": timezone.localtime().strftime("%Y%m%d"),
    }


def folder(indicator) -> str:
    return UNSAFE.sub("_", f"{indicator.code} {indicator.title}").strip(" .") or indicator.code


def entries(evidence) -> Iterator[tuple[str, Evidence]]:
    """(name in the ZIP, file): "1.1.1 指标名/文件名", a name taken twice gets "(2)"."""
    taken = set()
    for item in evidence:
        path = PurePath(item.file.name)
        base = f"{folder(item.requirement.indicator)}/{path.stem}"
        name, n = f"{base}{path.suffix}", 1
        while name in taken:
            n += 1
            name = f"{base}({n}){path.suffix}"
        taken.add(name)
        yield name, item


class _Pipe:
    """A write-only, unseekable file for zipfile that hands over what was written so far."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def stream(evidence) -> Iterator[bytes]:
    """The ZIP of `evidence`, chunk by chunk as it is written; names are UTF-8 and flagged so
    (zipfile sets the flag on any name that is not plain ASCII). A file missing from storage
    is named in 缺失文件.txt instead."""
    pipe, missing = _Pipe(), []
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, item in entries(evidence):
            try:
                source = item.file.open("rb")
            except OSError:
                missing.append(name)
                continue
            info = zipfile.ZipInfo(name, timezone.localtime(item.uploaded_at).timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with source, archive.open(info, "w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield pipe.take()
        if missing:
            archive.writestr(_("缺失文件.txt"), "\n".join(missing) + "\n")
    yield pipe.take()


def in_background(evidence) -> bool:
    """Whether to leave the ZIP to the worker: many files or many bytes, and a task backend
    that can tell when it is done."""
    if not build_zip.get_backend().supports_get_result:
        return False
    names = list(evidence.values_list("file", flat=True)[: DIRECT_FILES + 1])
    return len(names) > DIRECT_FILES or sum(map(_size, names)) > DIRECT_BYTES


def _size(name: str) -> int:
    try:
        return default_storage.size(name)
    except OSError:
        return 0


@task()
def build_zip(user_id: int, campaign_id: int) -> str:
    """Build the person's ZIP of a campaign's accepted evidence under MEDIA_ROOT/exports/;
    returns the file's name."""
    from civicgrid.people.authz import Authz
    from civicgrid.people.models import User

    authz = Authz(User.objects.get(pk=user_id))
    campaign = Campaign.objects.get(pk=campaign_id)
    with tempfile.TemporaryFile() as out:
        for chunk in stream(accepted_evidence(authz, campaign)):
            out.write(chunk)
        out.seek(0)
        return exports.save(File(out), ".zip")
