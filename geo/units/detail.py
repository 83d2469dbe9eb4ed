"""Boundaries with realistic detail, generated, for benchmarks and tests.

The default boundaries (:mod:`geo.units.tessellation`) have about 7
vertices a commune; offices' files have 50 to 2,000. Speed and size measured
on the former say little about the latter, so :func:`with_detail` makes a
layer of the same units with as many vertices as asked: every shared border
(an arc of :mod:`geo.units.topology`) is densified and bent by one seeded
fractal curve, identical for both neighbours, so the result is still a valid
coverage (checked: the borders of units that would become invalid or overlap
a neighbour are kept straight). The geometry is invented: use it for
measuring, never for maps.
"""

from __future__ import annotations

import numpy as np
import shapely

from geo.units import topology

__all__ = ["with_detail"]

# Largest sideways offset of a bent border, as a share of its length ...
AMPLITUDE = 0.08
# ... and of the square root of the smaller unit's area on either side.
AREA_AMPLITUDE = 0.1
OCTAVES = 6


def _densify(arcs: list[np.ndarray], counts: np.ndarray):
    """Arcs resampled at ``counts`` evenly spaced points (their corners kept), concatenated.

    Returns xy, the arc of each point, its position along the arc in [0, 1], and the arc lengths.
    """
    n_arcs = len(arcs)
    sizes = np.array([len(a) for a in arcs])
    xy = np.concatenate(arcs)
    arc_of = np.repeat(np.arange(n_arcs), sizes)
    step = np.hypot(*np.diff(xy, axis=0).T)
    step[np.flatnonzero(np.diff(arc_of))] = 0.0  # no step across arcs
    cum = np.r_[0.0, np.cumsum(step)]
    first = np.cumsum(sizes) - sizes
    t = cum - cum[first][arc_of]
    length = np.maximum.reduceat(t, first)
    # Evenly spaced samples, plus the original vertices.
    s_arc = np.repeat(np.arange(n_arcs), counts)
    k = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    s = k / np.maximum(counts - 1, 1)[s_arc] * length[s_arc]
    all_arc = np.r_[arc_of, s_arc]
    all_s = np.r_[t, s]
    order = np.lexsort((all_s, all_arc))
    all_arc, all_s = all_arc[order], all_s[order]
    keep = np.r_[True, (np.diff(all_s) > 1e-12) | (np.diff(all_arc) != 0)]
    all_arc, all_s = all_arc[keep], all_s[keep]
    # Interpolate on one monotone axis: arc index * span + position.
    span = float(length.max()) * 2 + 1.0
    axis = arc_of * span + t
    q = all_arc * span + all_s
    out = np.c_[np.interp(q, axis, xy[:, 0]), np.interp(q, axis, xy[:, 1])]
    u = np.where(length[all_arc] > 0, all_s / np.where(length[all_arc] > 0, length[all_arc], 1.0), 0.0)
    return out, all_arc, u, length


def _offsets(arc_of: np.ndarray, u: np.ndarray, n_arcs: int, rng: np.random.Generator) -> np.ndarray:
    """A fractal curve per arc, zero at both ends, peak 1."""
    a = rng.normal(size=(n_arcs, OCTAVES))
    b = rng.normal(size=(n_arcs, OCTAVES))
    off = np.zeros_like(u)
    for o in range(1, OCTAVES + 1):
        off += a[arc_of, o - 1] / o * np.sin(np.pi * o * u)
        off += b[arc_of, o - 1] / (2 * o) * np.sin(6 * np.pi * o * u)
    off *= np.sin(np.pi * u)
    first = np.r_[0, np.flatnonzero(np.diff(arc_of)) + 1]
    peak = np.zeros(n_arcs)
    peak[arc_of[first]] = np.maximum.reduceat(np.abs(off), first)
    peak[peak == 0] = 1.0
    return off / peak[arc_of] * rng.uniform(0.4, 1.0, n_arcs)[arc_of]


def with_detail(gdf, *, vertices_per_unit: float = 60.0, seed: int = 0, amplitude: float = AMPLITUDE):
    """The same units with about ``vertices_per_unit`` vertices each, shared borders bent alike.

    Parameters
    ----------
    gdf
        GeoDataFrame of polygons forming a coverage (e.g.
        ``geo.units.tessellation.default_boundaries``), any CRS.
    vertices_per_unit
        Target mean vertex count per unit (each shared vertex counts for
        both neighbours, as in a Shapefile).
    seed
        Seed of the bends; the same seed gives the same layer.
    amplitude
        Largest sideways offset of a bent border as a share of its length.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and columns, geometry replaced (MultiPolygon); still a valid coverage.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    topo = topology.build(geoms)
    n_arcs = len(topo.arcs)
    if n_arcs == 0:
        return gdf.copy()
    raw_len = np.array([np.hypot(*np.diff(a, axis=0).T).sum() for a in topo.arcs])
    uses = np.array([len(f) for f in topo.arc_features])
    spacing = float((raw_len * uses).sum() / max(vertices_per_unit * len(geoms), 1.0))
    counts = np.maximum(np.rint(raw_len / spacing).astype(int) + 1, 2) if spacing > 0 else np.full(n_arcs, 2)
    xy, arc_of, u, length = _densify(topo.arcs, counts)
    area = shapely.area(geoms)
    smallest = np.array([min(area[f] for f in fs) for fs in topo.arc_features])
    scale = np.minimum(amplitude * length, AREA_AMPLITUDE * np.sqrt(smallest))
    off = _offsets(arc_of, u, n_arcs, np.random.default_rng(seed)) * scale[arc_of]
    # Normal of the densified line at each point (central differences inside an arc).
    first = np.r_[0, np.flatnonzero(np.diff(arc_of)) + 1]
    last = np.r_[first[1:] - 1, len(arc_of) - 1]
    idx = np.arange(len(arc_of))
    prev = np.maximum(idx - 1, first[arc_of])
    nxt = np.minimum(idx + 1, last[arc_of])
    d = xy[nxt] - xy[prev]
    norm = np.hypot(d[:, 0], d[:, 1])
    norm[norm == 0] = 1.0
    normal = np.c_[-d[:, 1], d[:, 0]] / norm[:, None]
    straight = np.zeros(n_arcs, dtype=bool)
    bounds = np.r_[first, len(arc_of)]
    out = geoms
    for _ in range(5):
        bent = xy + normal * (off * ~straight[arc_of])[:, None]
        bent[first], bent[last] = xy[first], xy[last]
        arcs = [bent[bounds[i] : bounds[i + 1]] for i in range(n_arcs)]
        out = topology.to_polygons(topo, arcs)
        bad = set(np.flatnonzero(~shapely.is_valid(out)).tolist())
        misaligned = shapely.coverage_invalid_edges(out)
        bad |= set(np.flatnonzero(~shapely.is_empty(misaligned)).tolist())
        if not bad:
            break
        for f in bad:  # straighten every border of the units in trouble
            for rings in topo.features[f]:
                for ring in rings:
                    for k in ring:
                        straight[k if k >= 0 else ~k] = True
    result = gdf.copy()
    result["geometry"] = out
    return result.set_geometry("geometry")
