import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicgrid.areas import transfer
from civicgrid.areas.locate import locate
from civicgrid.areas.models import Area, Level
from civicgrid.lib.spreadsheets import SpreadsheetUploadForm, xlsx_response
from civicgrid.people.authz import authz_for

# The tree page lists down to communities; grids are listed on their community's page.
TREE_DEPTH_LEVEL = Level.COMMUNITY
LIST_FIELDS = ("parent_id", "level", "code", "name", "path", "population", "households")


def _visible(request):
    return Area.objects.restrict(authz_for(request))


def map_settings() -> dict:
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "center": [settings.MAP_CENTER_LAT, settings.MAP_CENTER_LNG],
    }


def tree(request):
    areas = list(
        _visible(request).filter(level__lte=TREE_DEPTH_LEVEL).annotate(n_children=Count("children"))
    )
    ids = {a.pk for a in areas}
    roots = [a for a in areas if a.parent_id not in ids]
    children: dict[int, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    context = {
        "nodes": [(root, _subtree(root, children)) for root in roots],
        "map": map_settings(),
        "map_sources": json.dumps([root.get_absolute_url() + "map.geojson" for root in roots]),
        "can_change": authz_for(request).has_perm("areas.change"),
    }
    return render(request, "areas/tree.html", context)


def _subtree(area, children):
    return [(child, _subtree(child, children)) for child in children.get(area.pk, [])]


def detail(request, code):
    authz = authz_for(request)
    area = authz.get_object(Area.objects.all(), "areas.view", code=code)
    context = {
        "area": area,
        "ancestors": area.ancestors(),
        "children": area.children.only(*LIST_FIELDS)
        .order_by("code")
        .annotate(n_children=Count("children")),
        "departments": area.departments.all() if area.level == Level.STREET else [],
        "assignments": area.assignments.current().select_related("user").order_by("role"),
        "map": map_settings(),
        "map_sources": json.dumps([area.get_absolute_url() + "map.geojson"]),
    }
    return render(request, "areas/detail.html", context)


def map_geojson(request, code):
    """The area's own outline and its children's, for the Leaflet map."""
    area = authz_for(request).get_object(Area.objects.all(), "areas.view", code=code)
    shapes = _visible(request).filter(parent=area).order_by("code")
    features = [_feature(area, outline=True)] + [_feature(child) for child in shapes]
    return JsonResponse(
        {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}
    )


def _feature(area, outline=False):
    return {
        "type": "Feature",
        "geometry": area.boundary,
        "properties": {
            "code": area.code,
            "name": area.name,
            "level": area.get_level_display(),
            "url": area.get_absolute_url(),
            "outline": outline,
        },
    }


def locate_point(request):
    try:
        lat, lng = float(request.GET["lat"]), float(request.GET["lng"])
        area = locate(lat, lng)
    except (KeyError, ValueError):
        return JsonResponse({"error": _("请提供数字形式的 lat 和 lng 参数。")}, status=400)
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=400)
    if area is None or not authz_for(request).may("areas.view", area):
        raise Http404
    names = [a.name for a in area.ancestors()] + [area.name]
    return JsonResponse(
        {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "level_name": area.get_level_display(),
            "path": names,
        }
    )


def export_geojson(request):
    data = transfer.export_geojson(_visible(request))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="areas.geojson"'
    return response


def export_xlsx(request):
    return xlsx_response(
        _("区域网格.xlsx"), _("区域网格"), transfer.HEADERS, transfer.export_rows(_visible(request))
    )


def import_areas(request):
    authz = authz_for(request)
    authz.require("areas.change")
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = _("GeoJSON 或 Excel 文件")
    errors = []
    if request.method == "POST" and "file" in request.FILES:
        upload = request.FILES["file"]
        if upload.name.lower().endswith((".geojson", ".json")):
            plan = transfer.records_from_geojson(upload.read())
        elif form.is_valid():
            plan = transfer.records_from_sheet(upload)
        else:
            plan = transfer.Plan(errors=form.errors["file"])
        saved = 0 if plan.errors else transfer.apply(plan, authz)
        errors = plan.errors
        if not errors:
            messages.success(request, _("已导入 %(n)s 个区域。") % {"n": saved})
            return redirect("areas:tree")
    context = {
        "form": form,
        "errors": errors,
        "example": json.dumps(transfer.HEADERS, ensure_ascii=False),
    }
    return render(request, "areas/import.html", context, status=400 if errors else 200)
