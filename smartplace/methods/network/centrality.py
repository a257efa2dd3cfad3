"""
Graph measures on a plain adjacency (node → neighbours), whatever the nodes are: betweenness
centrality (Brandes 2001; `betweenness` with sparse matrices, `betweenness_reference` one source
at a time as Brandes wrote it) and connected components. Plain Python with numpy and scipy
(imported when called), no Django.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

#: Cells (sources × nodes) `betweenness` works on at a time: about 17 bytes each.
BETWEENNESS_CELLS = 1 << 22


def _rows_matrix(data, rows, cols, shape):
    """A CSR matrix from entries whose rows are in order (as a product's COO form gives them)."""
    import numpy as np
    import scipy.sparse as sp

    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return sp.csr_matrix((data, cols, indptr), shape=shape)


def betweenness(adjacency: Mapping[str, Iterable[str]], *,
                normalised: bool = True) -> dict[str, float]:
    """
    Betweenness centrality of every node of an undirected, unweighted graph (Brandes 2001).

    Raw: Σ over unordered pairs {s, t} (s ≠ v ≠ t) of σ_st(v) / σ_st. Normalised: divided by
    (n − 1)(n − 2) / 2, the number of pairs not including v (0 for graphs under 3 nodes).

    Brandes' algorithm run for many sources at once with sparse matrix products (numpy and
    scipy): a breadth-first search level by level counts the shortest paths σ, then the
    dependencies δ flow back level by level. Sources are taken `BETWEENNESS_CELLS` ÷ n at a
    time, so memory stays bounded. Gives the same figures as `betweenness_reference`.
    """
    import numpy as np
    import scipy.sparse as sp

    order = sorted(adjacency)
    n = len(order)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(order)}
    rows, cols = [], []
    for v in order:
        for w in adjacency[v]:
            if w in index and w != v:
                rows.append(index[v])
                cols.append(index[w])
    forward = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    forward.data[:] = 1.0  # a link listed twice is one link
    backward = forward.T.tocsr()
    score = np.zeros(n)
    batch = max(1, min(n, BETWEENNESS_CELLS // n))
    for first in range(0, n, batch):
        sources = np.arange(first, min(n, first + batch))
        b = len(sources)
        here = np.arange(b)
        paths = np.zeros((b, n))
        seen = np.zeros((b, n), dtype=bool)
        paths[here, sources] = 1.0
        seen[here, sources] = True
        levels = []
        frontier = _rows_matrix(np.ones(b), here, sources, (b, n))
        while True:
            reached = (frontier @ forward).tocoo()
            new = ~seen[reached.row, reached.col]
            r, c, sigma = reached.row[new], reached.col[new], reached.data[new]
            if not len(r):
                break
            seen[r, c] = True
            paths[r, c] = sigma
            levels.append((r, c))
            frontier = _rows_matrix(sigma, r, c, (b, n))
        del seen
        flow = np.zeros((b, n))  # Σ over a node's successors w of (1 + δ_w) / σ_w
        for r, c in reversed(levels):
            sigma = paths[r, c]
            dependency = sigma * flow[r, c]
            score += np.bincount(c, weights=dependency, minlength=n)
            back = (_rows_matrix((1.0 + dependency) / sigma, r, c, (b, n)) @ backward).tocoo()
            flow[back.row, back.col] += back.data
    # Each unordered pair was counted from both ends.
    scale = 0.5
    if normalised:
        scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {v: float(score[i]) * scale for i, v in enumerate(order)}


def betweenness_reference(adjacency: Mapping[str, Iterable[str]], *,
                          normalised: bool = True) -> dict[str, float]:
    """
    Betweenness as Brandes (2001) wrote it, one source at a time in plain Python: the
    reference that `betweenness` is tested against (it is too slow for networks of more than
    a few hundred nodes).

    Raw: Σ over unordered pairs {s, t} (s ≠ v ≠ t) of σ_st(v) / σ_st. Normalised: divided by
    (n − 1)(n − 2) / 2, the number of pairs not including v (0 for graphs under 3 nodes).
    """
    order = sorted(adjacency)
    neighbours = {v: sorted(adjacency[v]) for v in order}
    score = dict.fromkeys(order, 0.0)
    for source in order:
        stack: list[str] = []
        predecessors: dict[str, list[str]] = {v: [] for v in order}
        paths = dict.fromkeys(order, 0)
        paths[source] = 1
        distance = dict.fromkeys(order, -1)
        distance[source] = 0
        queue = deque([source])
        while queue:
            v = queue.popleft()
            stack.append(v)
            for w in neighbours[v]:
                if distance[w] < 0:
                    distance[w] = distance[v] + 1
                    queue.append(w)
                if distance[w] == distance[v] + 1:
                    paths[w] += paths[v]
                    predecessors[w].append(v)
        dependency = dict.fromkeys(order, 0.0)
        while stack:
            w = stack.pop()
            for v in predecessors[w]:
                dependency[v] += paths[v] / paths[w] * (1.0 + dependency[w])
            if w != source:
                score[w] += dependency[w]
    # Each unordered pair was counted from both ends.
    n = len(order)
    scale = 0.5
    if normalised:
        scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {v: score[v] * scale for v in order}


def components(adjacency: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The connected components, largest first (ties by their first node), nodes sorted."""
    seen: set[str] = set()
    found = []
    for start in sorted(adjacency):
        if start in seen:
            continue
        seen.add(start)
        part, queue = [], deque([start])
        while queue:
            v = queue.popleft()
            part.append(v)
            for w in adjacency[v]:
                if w not in seen:
                    seen.add(w)
                    queue.append(w)
        found.append(sorted(part))
    return sorted(found, key=lambda part: (-len(part), part[0]))
