"""Static maps (SVG and PNG) shared by the situation report and the web app.

Pure Python: areas are WKT polygons (read with shapely), points are lat/lon, the projection is
equirectangular scaled by the cosine of the middle latitude — good enough at the scale of a
country. No tiles, no network. Every label, id and link is escaped before it reaches the SVG.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Iterable

STATUS_COLOURS: dict[str, str] = {
    "held:other": "#7d3c98",
    "held": "#7d3c98",
    "contested": "#f39c12",
    "unknown": "#d5d8dc",
    "event": "#1b2631",
}
STATUS_LABELS: dict[str, str] = {
    "held:other": "held by another actor",
    "contested": "contested",
    "unknown": "unknown",
    "event": "event",
}
# Sides of a profile without a colour of their own, in order.
PALETTE = ("#b2182b", "#2166ac", "#1b7837", "#e08214", "#542788", "#8c510a", "#01665e", "#c51b7d")
OUTLINE = "#ffffff"
Styles = dict[str, tuple[str, str]]   # status key ("held:rsf") -> (legend label, colour)
BACKGROUND = "#f8f9f9"


@dataclass
class MapPoint:
    """A point to mark: an event, a place, a capital."""
    lat: float
    lon: float
    label: str
    status: str = "event"
    href: str | None = None
    id: str | None = None


@dataclass
class MapArea:
    """A polygon to fill by status: a province or a district."""
    geometry_wkt: str
    label: str
    status: str = "unknown"
    id: str | None = None


def side_styles(rules: object) -> Styles:
    """The map key of each side of the control rules: ``held:<side>`` -> ("held by <side name>", its colour from the
    profile, else the palette's)."""
    sides = list(getattr(rules, "sides", {}) or {})
    colours = getattr(rules, "side_colours", {}) or {}
    return {f"held:{side}": (f"held by {rules.side_name(side)}", colours.get(side) or PALETTE[i % len(PALETTE)])
            for i, side in enumerate(sides)}


def colour_for(status: str, styles: Styles | None = None) -> str:
    """The fill colour of a status (a side's from ``styles``); ``held:<anyone else>`` falls back to ``held:other``."""
    if styles and status in styles:
        return styles[status][1]
    if status in STATUS_COLOURS:
        return STATUS_COLOURS[status]
    if status.startswith("held"):
        return STATUS_COLOURS["held:other"]
    return STATUS_COLOURS["unknown"]


def safe_href(href: str | None) -> str | None:
    """A link usable in the map, or None: relative links and http(s) only (never ``javascript:``)."""
    if not href:
        return None
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", href)
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None
    return href.strip() or None


def _css_class(status: str) -> str:
    return "status-" + re.sub(r"[^a-z0-9-]+", "-", status.lower()).strip("-")


class _Projection:
    """lon/lat -> pixel, fitted to a bounding box with a margin."""

    def __init__(self, bbox: tuple[float, float, float, float], width: int, height: int, margin: int = 20,
                 top: int = 0) -> None:
        min_lon, min_lat, max_lon, max_lat = bbox
        if max_lon - min_lon < 1e-6:
            min_lon, max_lon = min_lon - 0.5, max_lon + 0.5
        if max_lat - min_lat < 1e-6:
            min_lat, max_lat = min_lat - 0.5, max_lat + 0.5
        self.kx = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = (max_lon - min_lon) * self.kx
        span_y = max_lat - min_lat
        self.scale = min((width - 2 * margin) / span_x, (height - top - 2 * margin) / span_y)
        self.x0 = margin + ((width - 2 * margin) - span_x * self.scale) / 2
        self.y0 = top + margin + ((height - top - 2 * margin) - span_y * self.scale) / 2
        self.min_lon, self.max_lat = min_lon, max_lat

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.x0 + (lon - self.min_lon) * self.kx * self.scale,
                self.y0 + (self.max_lat - lat) * self.scale)


def _shapes(areas: Iterable[MapArea]) -> list[tuple[MapArea, object]]:
    """Parse each area's WKT; areas that do not parse are left out (one bad shape never blanks the map)."""
    from shapely import wkt
    from shapely.errors import ShapelyError

    out = []
    for area in areas:
        try:
            geometry = wkt.loads(area.geometry_wkt)
        except (ShapelyError, ValueError, TypeError, AttributeError):
            continue
        if not geometry.is_empty:
            out.append((area, geometry))
    return out


def _polygons(geometry: object) -> list:
    kind = getattr(geometry, "geom_type", "")
    if kind == "Polygon":
        return [geometry]
    if kind in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geometry.geoms for p in _polygons(g)]
    return []


def _valid_points(points: Iterable[MapPoint]) -> list[MapPoint]:
    out = []
    for p in points:
        try:
            lat, lon = float(p.lat), float(p.lon)
        except (TypeError, ValueError):
            continue
        if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
            out.append(p)
    return out


def _bbox(points: list[MapPoint], shapes: list[tuple[MapArea, object]]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for _, geometry in shapes:
        x1, y1, x2, y2 = geometry.bounds
        xs += [x1, x2]
        ys += [y1, y2]
    for p in points:
        xs.append(float(p.lon))
        ys.append(float(p.lat))
    if not xs:
        return (-170.0, -58.0, 180.0, 78.0)  # the world, when there is nothing to draw
    pad_x, pad_y = max((max(xs) - min(xs)) * 0.03, 0.05), max((max(ys) - min(ys)) * 0.03, 0.05)
    return (min(xs) - pad_x, min(ys) - pad_y, max(xs) + pad_x, max(ys) + pad_y)


def _ring_path(coords: Iterable[tuple[float, ...]], project: _Projection) -> str:
    parts = []
    for i, c in enumerate(coords):
        x, y = project(c[0], c[1])
        parts.append(f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}")
    return "".join(parts) + "Z" if parts else ""


def _area_path(geometry: object, project: _Projection) -> str:
    out = []
    for polygon in _polygons(geometry):
        out.append(_ring_path(polygon.exterior.coords, project))
        out += [_ring_path(ring.coords, project) for ring in polygon.interiors]
    return "".join(out)


def _legend(statuses: list[str], width: int, height: int, styles: Styles | None = None) -> list[str]:
    lines = [f'<g class="legend" transform="translate({width - 170},{height - 18 * len(statuses) - 10})">']
    for i, status in enumerate(statuses):
        label = (styles or {}).get(status, (None,))[0] or STATUS_LABELS.get(status, status.replace("held:", "held by "))
        lines.append(f'<rect x="0" y="{i * 18}" width="12" height="12" fill="{colour_for(status, styles)}" stroke="#555"/>'
                     f'<text x="18" y="{i * 18 + 10}" font-size="11">{escape(label)}</text>')
    lines.append("</g>")
    return lines


def render_map_svg(points: list[MapPoint], areas: list[MapArea] | None = None, width: int = 800, height: int = 600,
                   title: str | None = None, bbox: tuple[float, float, float, float] | None = None,
                   styles: Styles | None = None) -> str:
    """An SVG map of areas filled by status and points marked by status; all labels escaped.

    ``bbox`` is (min_lon, min_lat, max_lon, max_lat); by default it fits everything drawn. ``styles`` gives the
    sides' labels and colours (:func:`side_styles`).
    """
    width, height = max(int(width), 100), max(int(height), 100)
    shapes = _shapes(areas or [])
    points = _valid_points(points or [])
    top = 28 if title else 0
    project = _Projection(bbox or _bbox(points, shapes), width, height, top=top)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="frontlines-map" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif">']
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append(f'<rect width="{width}" height="{height}" fill="{BACKGROUND}"/>')
    if title:
        out.append(f'<text x="{width / 2:.0f}" y="20" text-anchor="middle" font-size="15">{escape(title)}</text>')
    out.append('<g class="areas">')
    for area, geometry in shapes:
        d = _area_path(geometry, project)
        if not d:
            continue
        ident = f' data-id="{escape(area.id)}"' if area.id else ""
        out.append(f'<path class="area {_css_class(area.status)}"{ident} d="{d}" fill="{colour_for(area.status, styles)}" '
                   f'fill-rule="evenodd" stroke="{OUTLINE}" stroke-width="0.6"><title>{escape(area.label)}</title></path>')
    out.append('</g><g class="points">')
    show_labels = len(points) <= 40
    for p in points:
        x, y = project(float(p.lon), float(p.lat))
        ident = f' data-id="{escape(p.id)}"' if p.id else ""
        mark = (f'<circle class="point {_css_class(p.status)}"{ident} cx="{x:.1f}" cy="{y:.1f}" r="5" '
                f'fill="{colour_for(p.status, styles)}" stroke="#000" stroke-width="0.8"><title>{escape(p.label)}</title></circle>')
        if show_labels:
            mark += f'<text x="{x + 7:.1f}" y="{y + 4:.1f}" font-size="10">{escape(p.label)}</text>'
        href = safe_href(p.href)
        out.append(f'<a href="{escape(href)}">{mark}</a>' if href else mark)
    out.append("</g>")
    order = list(styles or {})
    statuses = sorted({a.status for a, _ in shapes} | {p.status for p in points}, key=lambda s: _legend_order(s, order))
    if statuses:
        out += _legend(statuses, width, height, styles)
    out.append("</svg>")
    return "\n".join(out)


def _legend_order(status: str, sides: list[str] | None = None) -> tuple[int, str]:
    order = list(sides or []) + ["held:other", "contested", "unknown", "event"]
    return (order.index(status) if status in order else len(order), status)


def render_map_png(points: list[MapPoint], areas: list[MapArea] | None = None, path: str | Path = "map.png",
                   width: int = 800, height: int = 600, title: str | None = None, styles: Styles | None = None) -> Path:
    """The same map as a PNG (matplotlib, Agg backend); returns the path written."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    shapes = _shapes(areas or [])
    points = _valid_points(points or [])
    dpi = 100
    fig, ax = plt.subplots(figsize=(max(width, 100) / dpi, max(height, 100) / dpi), dpi=dpi)
    try:
        for area, geometry in shapes:
            for polygon in _polygons(geometry):
                rings = [polygon.exterior, *polygon.interiors]
                verts, codes = [], []
                for ring in rings:
                    coords = [(c[0], c[1]) for c in ring.coords]
                    verts += coords
                    codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2) + [MplPath.CLOSEPOLY]
                ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour_for(area.status, styles), edgecolor=OUTLINE,
                                       linewidth=0.4))
        for status in sorted({p.status for p in points}):
            group = [p for p in points if p.status == status]
            ax.scatter([float(p.lon) for p in group], [float(p.lat) for p in group], s=36, c=colour_for(status, styles),
                       edgecolors="black", linewidths=0.6, zorder=3)
        if len(points) <= 40:
            for p in points:
                ax.annotate(_plain(p.label), (float(p.lon), float(p.lat)), xytext=(4, 3), textcoords="offset points", fontsize=7)
        x1, y1, x2, y2 = _bbox(points, shapes)
        ax.set_xlim(x1, x2)
        ax.set_ylim(y1, y2)
        ax.set_aspect(1 / math.cos(math.radians((y1 + y2) / 2)))
        ax.set_axis_off()
        if title:
            ax.set_title(_plain(title))
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(target, format="png", facecolor=BACKGROUND)
        return target
    finally:
        plt.close(fig)


def _plain(text: str) -> str:
    """Matplotlib reads "$...$" as math markup; labels from articles must stay plain text."""
    return str(text).replace("$", r"\$")
