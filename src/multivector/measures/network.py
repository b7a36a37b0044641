"""Network measures of the state–organization graph and its state–state projection.

Per year t, the bipartite graph G_t links state i and organization o when i holds
any status in o (v_iot > 0), with edge weight v_iot. Its state–state projection
P_t links two states by the number of forums they share,
W_ijt = Σ_o 1[v_iot > 0] · 1[v_jot > 0] (Newman 2001; Borgatti & Halgin 2011).

Per state and year:
- degree            number of organizations the state is in (bipartite degree)
- strength          Σ_o v_iot (weighted bipartite degree)
- betweenness       normalized shortest-path betweenness in G_t (Freeman 1977; Brandes 2001),
                    over the nodes with at least one tie that year; exactly networkx's
                    `betweenness_centrality(G, normalized=True)`, computed with
                    matrix products for all sources at once
- proj_degree       number of other states sharing at least one forum
- proj_strength     Σ_j W_ijt (shared forums summed over partners)
- forums_with_RUS   W_i,RUS,t: distinct forums linking the state with Russia (same for CHN)
- proj_betweenness  weighted betweenness in P_t with distance 1/W_ij (networkx, Dijkstra);
                    computed when the projection has at most `max_projection_nodes` states
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from .panel import Panel


def year_graph(panel: Panel, year: int) -> nx.Graph:
    """The bipartite state–organization graph of a year (networkx), with statuses and poles.

    Nodes carry `kind` ('state' or 'org', also `bipartite` 0/1); organization nodes carry
    their lead (`lead` dict and `pole`, the largest lead weight); edges carry `weight`
    (status weight) and `status`.
    """
    from .panel import CODE_STATUS

    y = panel.year_index(year)
    w = panel.weights()[:, :, y]
    g = nx.Graph(year=int(year))
    si, oi = np.nonzero(w > 0)
    for s in sorted(set(si)):
        g.add_node(panel.states[s], kind="state", bipartite=0)
    for o in sorted(set(oi)):
        lead = panel.lead_of(panel.orgs[o])
        g.add_node(panel.orgs[o], kind="org", bipartite=1, lead=lead, pole=max(lead, key=lead.get))
    for s, o in zip(si, oi, strict=True):
        g.add_edge(panel.states[s], panel.orgs[o], weight=float(w[s, o]),
                   status=CODE_STATUS[int(panel.codes[s, o, y])])
    return g


def projection_graph(panel: Panel, year: int) -> nx.Graph:
    """The state–state projection of a year: edge weight = number of shared forums."""
    y = panel.year_index(year)
    a = (panel.weights()[:, :, y] > 0).astype(np.float32)
    m = a @ a.T
    np.fill_diagonal(m, 0)
    g = nx.Graph(year=int(year))
    active = np.nonzero(a.sum(axis=1) > 0)[0]
    g.add_nodes_from(panel.states[active])
    i, j = np.nonzero(np.triu(m) > 0)
    for a_, b_ in zip(i, j, strict=True):
        g.add_edge(panel.states[a_], panel.states[b_], weight=float(m[a_, b_]), distance=1.0 / float(m[a_, b_]))
    return g


def bipartite_betweenness(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalized betweenness of every node of an unweighted bipartite graph.

    `b` is the (n_states, n_orgs) 0/1 biadjacency matrix. Only nodes with at least
    one edge are part of the graph (isolated nodes get 0). Brandes' (2001)
    accumulation run for all sources at once with matrix products: breadth-first
    layers give the shortest-path counts σ_sv and distances, then the dependencies
    δ_sv = Σ_{w: d_sw = d_sv + 1} σ_sv/σ_sw · (1 + δ_sw) are accumulated layer by
    layer from the farthest. Betweenness c_v = Σ_s δ_sv / ((n − 1)(n − 2)), as
    networkx normalizes undirected graphs. Returns (states, orgs) arrays.
    """
    b = np.asarray(b, dtype=bool)
    n_states, n_orgs = b.shape
    bs, bo = np.zeros(n_states), np.zeros(n_orgs)
    rs, ro = np.nonzero(b.any(axis=1))[0], np.nonzero(b.any(axis=0))[0]
    ns, no = len(rs), len(ro)
    n = ns + no
    if n <= 2:
        return bs, bo
    B = b[np.ix_(rs, ro)].astype(np.float64)
    BT = B.T.copy()

    def step(x: np.ndarray) -> np.ndarray:
        # x @ A for A = [[0, B], [B^T, 0]] without forming A
        out = np.empty_like(x)
        out[:, :ns] = x[:, ns:] @ BT
        out[:, ns:] = x[:, :ns] @ B
        return out

    dist = np.full((n, n), -1, dtype=np.int16)
    np.fill_diagonal(dist, 0)
    sigma = np.eye(n)
    frontier = np.eye(n)
    depth = 0
    while True:
        nxt = step(frontier)
        new = (nxt > 0) & (dist < 0)
        if not new.any():
            break
        depth += 1
        dist[new] = depth
        sigma[new] = nxt[new]
        frontier = np.where(new, nxt, 0.0)
    delta = np.zeros((n, n))
    safe_sigma = np.where(sigma > 0, sigma, 1.0)
    for k in range(depth, 0, -1):
        x = np.where(dist == k, (1.0 + delta) / safe_sigma, 0.0)
        delta += np.where(dist == k - 1, sigma * step(x), 0.0)
    np.fill_diagonal(delta, 0.0)
    c = delta.sum(axis=0) / ((n - 1) * (n - 2))
    bs[rs], bo[ro] = c[:ns], c[ns:]
    return bs, bo


def network_measures(panel: Panel, betweenness: bool = True, projection_betweenness: bool | None = None,
                     max_projection_nodes: int = 80, reference_states: tuple[str, ...] = ("RUS", "CHN")
                     ) -> pd.DataFrame:
    """Network measures per covered state-year (see the module docstring for formulas)."""
    w = panel.weights()
    a = w > 0
    S, _, Y = a.shape
    degree = a.sum(axis=1)
    strength = w.sum(axis=1, dtype=np.float64)
    af = a.astype(np.float32)
    at = np.ascontiguousarray(af.transpose(2, 0, 1))             # (Y, S, O)
    shared = at @ at.transpose(0, 2, 1)                          # (Y, S, S) shared forums (batched BLAS)
    idx = np.arange(S)
    shared[:, idx, idx] = 0
    proj_degree = (shared > 0).sum(axis=2).T                     # (S, Y)
    proj_strength = shared.sum(axis=2, dtype=np.float64).T
    cols: dict[str, np.ndarray] = {}
    for ref in reference_states:
        if ref in panel._state_index:
            r = panel.state_index(ref)
            cols[f"forums_with_{ref}"] = shared[:, :, r].T.astype(np.float64)
            cols[f"forums_with_{ref}"][r, :] = np.nan            # a state with itself: undefined
        else:
            cols[f"forums_with_{ref}"] = np.full((S, Y), np.nan)
    bet = np.full((S, Y), np.nan)
    if betweenness:
        for y in range(Y):
            bet[:, y] = bipartite_betweenness(a[:, :, y])[0]
    pbet = np.full((S, Y), np.nan)
    if projection_betweenness is None:
        projection_betweenness = S <= max_projection_nodes
    if projection_betweenness:
        for y in range(Y):
            g = projection_graph(panel, int(panel.years[y]))
            if g.number_of_nodes() > 2:
                c = nx.betweenness_centrality(g, weight="distance", normalized=True)
                for s, v in c.items():
                    pbet[panel.state_index(s), y] = v
            pbet[:, y] = np.where(np.isnan(pbet[:, y]), 0.0, pbet[:, y])
    si, yi = np.nonzero(panel.covered)
    out = {"state": panel.states[si], "year": panel.years[yi], "degree": degree[si, yi].astype(np.int32),
           "strength": strength[si, yi].round(4), "betweenness": bet[si, yi].round(6),
           "proj_degree": proj_degree[si, yi].astype(np.int32), "proj_strength": proj_strength[si, yi],
           "proj_betweenness": pbet[si, yi].round(6)}
    for k, v in cols.items():
        out[k] = v[si, yi]
    return pd.DataFrame(out)
