"""GeoJSON geometry in WGS-84: parsing, validation and the figures we store."""

from dataclasses import dataclass

import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

POLYGONAL = {"Polygon", "MultiPolygon"}


@dataclass(frozen=True)
class Footprint:
    """What we keep beside a boundary so maps and lists need not parse it."""

    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float
    centre_lng: float
    centre_lat: float


def parse_boundary(geometry: dict):
    """Return a valid shapely (Multi)Polygon from a GeoJSON geometry, or raise ValidationError."""
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
        raise ValidationError(_("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。"))
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError):
        raise ValidationError(_("边界坐标格式不正确。")) from None
    if geom.is_empty or not geom.is_valid:
        reason = shapely.is_valid_reason(geom) if not geom.is_empty else "empty"
        raise ValidationError(_("边界多边形无效（%(reason)s）。") % {"reason": reason})
    min_lng, min_lat, max_lng, max_lat = geom.bounds
    if min_lng < -180 or max_lng > 180 or min_lat < -90 or max_lat > 90:
        raise ValidationError(_("边界坐标超出 WGS-84 经纬度范围，请确认经度在前、纬度在后。"))
    return geom


def footprint(geom) -> Footprint:
    min_lng, min_lat, max_lng, max_lat = geom.bounds
    centre = geom.representative_point()
    return Footprint(min_lng, min_lat, max_lng, max_lat, centre.x, centre.y)


def to_geojson(geom) -> dict:
    return mapping(geom)


def validate_point(lat: float, lng: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError(
            _("坐标超出范围：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。")
        )
