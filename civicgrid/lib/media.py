"""Uploaded files served only to people who may see what they belong to.

A file's first folder names its owner: `cases/…` belongs to a case photo, and
so on. The view finds the row holding the file, then the object it documents,
and asks the authorization module: out of scope is 404, as for the object.
"""

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, Http404
from django.utils._os import safe_join

from civicgrid.people.authz import authz_for

# folder: (model, file fields, lookup from that row to the scoped object, its model, permission)
OWNERS = {
    "cases": ("cases.CasePhoto", ("image", "thumbnail"), "case_id", "cases.Case", "cases.view"),
    "inspections": (
        "inspections.ItemPhoto",
        ("image",),
        "result__inspection_id",
        "inspections.Inspection",
        "inspections.view",
    ),
    "evidence": ("campaigns.Evidence", ("file",), "pk", "campaigns.Evidence", "campaigns.view"),
    "ledgers": (
        "ledgers.LedgerFile",
        ("file",),
        "entry_id",
        "ledgers.LedgerEntry",
        "ledgers.view",
    ),
    "pledges": ("ledgers.Pledge", ("photo",), "pk", "ledgers.Pledge", "ledgers.view"),
}


def protected_media(request, path: str):
    folder = path.split("/", 1)[0]
    if folder not in OWNERS:
        raise Http404
    model_name, fields, lookup, scoped_name, perm = OWNERS[folder]
    model = apps.get_model(model_name)
    match = Q()
    for name in fields:
        match |= Q(**{name: path})
    owner_id = model.objects.filter(match).values_list(lookup, flat=True).first()
    if owner_id is None:
        raise Http404
    scoped = apps.get_model(scoped_name)
    authz_for(request).get_object(scoped.objects.all(), perm, pk=owner_id)
    try:
        return FileResponse(open(safe_join(settings.MEDIA_ROOT, path), "rb"))
    except (OSError, ValueError):
        raise Http404 from None
