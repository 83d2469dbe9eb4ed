"""Shared edges of a polygon coverage, stored once (TopoJSON-style arcs).

In a coverage (admin units: no gaps, no overlaps, neighbours' vertices
identical along their common border) every border between two units is
one *arc*, a polyline between two *nodes* (vertices where three or more
units meet, or where the border reaches the outside). :func:`build` cuts
the rings of the polygons at the nodes and keeps each arc once; a ring is
then a list of arc indices, ``~i`` (that is ``-i - 1``) for arc ``i``
walked backwards, exactly as in the TopoJSON specification.

Vertices are matched by exact equality of their coordinates, so quantise
them first (integers) or use an edge-matched coverage. A layer that is not a
coverage still gets a correct topology: edges that are not shared exactly
simply become separate arcs (drawn twice, never lost), and
:attr:`Topology.shared_fraction` tells how much was shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

__all__ = ["Topology", "build", "to_polygons"]


@dataclass(frozen=True, eq=False)
class Topology:
    """Arcs and the rings that use them.

    Attributes
    ----------
    arcs
        One ``(n, 2)`` array of coordinates per arc (first and last are nodes;
        a closed arc repeats its first vertex at the end).
    features
        Per input geometry, its polygons; per polygon, its rings (exterior
        first); per ring, the arc indices (``~i`` for arc ``i`` reversed).
    arc_features
        Per arc, the input geometries whose rings use it (one on the outside
        border, two on a shared border; more only in a layer that is not a
        coverage).
    """

    arcs: list[np.ndarray] = field(repr=False)
    features: list[list[list[list[int]]]] = field(repr=False)
    arc_features: list[list[int]] = field(repr=False)

    @property
    def n_vertices(self) -> int:
        """Vertices stored, counting each arc once."""
        return int(sum(len(a) for a in self.arcs))

    @property
    def shared_fraction(self) -> float:
        """Share of arcs used by two or more geometries."""
        if not self.arcs:
            return 0.0
        return float(np.mean([len(set(f)) >= 2 for f in self.arc_features]))


def _vertex_ids(coords: np.ndarray) -> np.ndarray:
    """One integer per distinct (x, y), by exact equality."""
    view = np.ascontiguousarray(coords, dtype=np.float64).view(np.dtype((np.void, 16))).ravel()
    _, inverse = np.unique(view, return_inverse=True)
    return inverse.ravel()


def build(geoms) -> Topology:
    """The arcs of a set of polygons (a coverage, ideally).

    Parameters
    ----------
    geoms
        Array-like of Polygon / MultiPolygon (empty or other types give a
        feature without polygons). Repeated consecutive vertices are dropped.

    Returns
    -------
    Topology
    """
    arr = np.asarray(geoms, dtype=object)
    n_feat = len(arr)
    if n_feat == 0:
        return Topology([], [], [])
    polygonal = np.isin(shapely.get_type_id(arr), (3, 6)) & ~shapely.is_empty(arr)
    work = np.where(polygonal, arr, shapely.MultiPolygon())
    work = shapely.remove_repeated_points(work)
    if not polygonal.any():
        return Topology([], [[] for _ in range(n_feat)], [])
    geom_type, coords, offsets = shapely.to_ragged_array(work)
    if geom_type == shapely.GeometryType.POLYGON:
        ring_off, poly_off = offsets
        feat_off = np.arange(len(poly_off))
    else:
        ring_off, poly_off, feat_off = offsets
    coords = coords[:, :2]
    kept_feats = np.flatnonzero(polygonal)
    vid = _vertex_ids(coords)
    # Segments of every ring (closed rings: the last vertex repeats the first).
    starts = np.arange(len(coords) - 1)
    is_seg = np.ones(len(coords) - 1, dtype=bool)
    is_seg[ring_off[1:-1] - 1] = False  # the last vertex of a ring does not start a segment
    a, b = vid[starts], vid[starts + 1]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    n_v = int(vid.max()) + 1
    seg_key = lo.astype(np.int64) * n_v + hi
    seg_key[~is_seg] = -1
    uniq, seg_id = np.unique(seg_key, return_inverse=True)
    seg_id = seg_id.ravel()
    real = uniq >= 0
    ends = np.concatenate([uniq[real] // n_v, uniq[real] % n_v])
    degree = np.bincount(ends, minlength=n_v)
    is_node = degree != 2

    # Open rings (closing vertex dropped), rings of fewer than 3 vertices skipped.
    n_open = np.diff(ring_off) - 1
    ring_ok = n_open >= 3
    ring_feat = np.repeat(np.arange(len(poly_off) - 1), np.diff(poly_off))
    poly_feat = np.repeat(np.arange(len(feat_off) - 1), np.diff(feat_off))
    ring_feat = poly_feat[ring_feat]  # position among the kept features
    rings = np.flatnonzero(ring_ok)
    n_r = n_open[rings]
    first = ring_off[rings]
    # Rotate each ring to start at its first node; a ring without a node is one
    # closed arc starting at its smallest vertex id, so that the same ring
    # walked the other way starts at the same vertex.
    pos_ring = np.repeat(np.arange(len(rings)), n_r)
    local = np.arange(len(pos_ring)) - np.repeat(np.cumsum(n_r) - n_r, n_r)
    flag = is_node[vid[first[pos_ring] + local]]
    big = np.iinfo(np.int64).max
    node_pos = np.where(flag, local, big)
    start = np.minimum.reduceat(node_pos, np.cumsum(n_r) - n_r)
    no_node = start == big
    if no_node.any():
        ids_masked = np.where(no_node[pos_ring], vid[first[pos_ring] + local], big)
        argmin_local = np.array([int(np.argmin(ids_masked[o : o + n])) for o, n in
                                 zip((np.cumsum(n_r) - n_r)[no_node], n_r[no_node])], dtype=np.int64)
        start[no_node] = argmin_local
    # Rotated rings with their closing vertex: m = n + 1 positions each.
    m = n_r + 1
    g_ring = np.repeat(np.arange(len(rings)), m)
    g_off = np.cumsum(m) - m
    j = np.arange(int(m.sum())) - np.repeat(g_off, m)
    orig = first[g_ring] + (start[g_ring] + j) % n_r[g_ring]
    g_vid = vid[orig]
    is_close = j == n_r[g_ring]
    g_node = is_node[g_vid] | (j == 0)
    g_node &= ~is_close
    g_seg = np.where(is_close, big, seg_id[orig].astype(np.int64))
    piece_start = np.flatnonzero(g_node)
    piece_ring = g_ring[piece_start]
    last_in_ring = np.r_[piece_ring[1:] != piece_ring[:-1], True]
    piece_end = np.r_[piece_start[1:], len(g_vid)] - last_in_ring.astype(np.int64)  # inclusive
    key = np.minimum.reduceat(g_seg, piece_start)
    # Dedupe: the first piece of each key is the arc; the others are it, forwards or backwards.
    order = np.argsort(key, kind="stable")
    sk = key[order]
    grp_first = np.r_[True, sk[1:] != sk[:-1]]
    grp = np.cumsum(grp_first) - 1
    rep_of_piece = np.empty(len(key), dtype=np.int64)
    rep_of_piece[order] = order[np.flatnonzero(grp_first)][grp]
    arc_of_rep = np.full(len(key), -1, dtype=np.int64)
    reps = np.flatnonzero(rep_of_piece == np.arange(len(key)))
    arc_of_rep[reps] = np.arange(len(reps))
    arc = arc_of_rep[rep_of_piece]
    closed = g_vid[piece_start] == g_vid[piece_end]
    second = g_vid[piece_start + 1]
    rep_start, rep_end = piece_start[rep_of_piece], piece_end[rep_of_piece]
    forward = np.where(closed, second == g_vid[rep_start + 1], g_vid[piece_start] == g_vid[rep_start])
    same_length = (piece_end - piece_start) == (rep_end - rep_start)
    # Pieces that only share a segment with another (a layer that is not a coverage) get their own arc.
    odd = ~same_length | (~forward & ~closed & (g_vid[piece_start] != g_vid[rep_end]))
    if odd.any():
        extra = np.flatnonzero(odd)
        reps = np.r_[reps, extra]
        arc[extra] = len(reps) - len(extra) + np.arange(len(extra))
        forward[extra] = True
    ref = np.where(forward, arc, ~arc)
    g_xy = coords[orig]
    arcs = [g_xy[piece_start[p] : piece_end[p] + 1] for p in reps]
    piece_feat = ring_feat[rings[piece_ring]]
    arc_features: list[list[int]] = [[] for _ in range(len(reps))]
    for a_, f_ in zip(arc.tolist(), kept_feats[piece_feat].tolist()):
        arc_features[a_].append(f_)
    # Nest: pieces -> rings -> polygons -> features.
    ring_refs = np.split(ref, np.flatnonzero(np.diff(piece_ring)) + 1) if len(ref) else []
    ring_poly = np.repeat(np.arange(len(poly_off) - 1), np.diff(poly_off))[rings]
    features: list[list[list[list[int]]]] = [[] for _ in range(n_feat)]
    current_poly = -1
    for r_i, refs in enumerate(ring_refs):
        p = int(ring_poly[r_i])
        f = int(kept_feats[poly_feat[p]])
        if p != current_poly:
            features[f].append([])
            current_poly = p
        features[f][-1].append(refs.tolist())
    return Topology(arcs, features, arc_features)


def to_polygons(topology: Topology, arcs: list[np.ndarray] | None = None) -> np.ndarray:
    """Polygons rebuilt from the arcs (or from replacement ``arcs`` with the same ends).

    Returns one MultiPolygon per feature (empty when it had none).
    """
    arcs = topology.arcs if arcs is None else arcs
    pieces: list[np.ndarray] = []
    ring_len: list[int] = []
    poly_rings: list[int] = []
    feat_polys: list[int] = []
    for polys in topology.features:
        feat_polys.append(len(polys))
        for rings in polys:
            poly_rings.append(len(rings))
            for ring in rings:
                n = 0
                for i, k in enumerate(ring):
                    a = arcs[k] if k >= 0 else arcs[~k][::-1]
                    a = a if i == 0 else a[1:]
                    pieces.append(a)
                    n += len(a)
                ring_len.append(n)
    if not pieces:
        return np.array([shapely.MultiPolygon()] * len(topology.features), dtype=object)
    coords = np.concatenate(pieces)
    offsets = (
        np.r_[0, np.cumsum(ring_len)],
        np.r_[0, np.cumsum(poly_rings)],
        np.r_[0, np.cumsum(feat_polys)],
    )
    return np.asarray(shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, offsets), dtype=object)
