"""A plain per-agent implementation of the engagement rule, written with Mesa.

Each regional state is a Mesa agent that, every year, evaluates each
organization level by level in ordinary Python loops and draws its choice.
It implements the same transition model as `multivector.model.simulator`
(docs/model.md: the intercepts α of the line and from-level, the memory of
ties, the theory's terms on last year's levels, stances where a step is on the
table, the depth the members let through) and exists only as a yardstick: a
test checks that it gives the same probabilities within Monte Carlo error, and
`bench_model.py` compares the speeds.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from multivector.model.inputs import ENGAGEMENT, ModelInputs
from multivector.model.parameters import Parameters
from multivector.negotiation.rules import consensus_compromise

V = [float(v) for v in ENGAGEMENT]
DEP = ("trade_dependence", "remittance_dependence", "debt_dependence", "transit_dependence")


class StateAgent(mesa.Agent):
    def __init__(self, model: EngagementModel, index: int):
        super().__init__(model)
        self.index = index
        L = len(model.inp.lines)
        self.level = [0] * L
        self.next_level = [0] * L
        self.tenure = [0] * L
        self.prob_sum = [[0.0, 0.0, 0.0] for _ in range(L)]

    def choose(self) -> None:
        m, inp, w, t, i = self.model, self.model.inp, self.model.w, self.model.t, self.index
        d = inp.drivers
        L = len(inp.lines)
        ed = [sum(float(d.dependence[n][t, i, p]) for n in DEP) / len(DEP)
              + float(d.dependence["finance_dependence"][t, i, p]) for p in range(3)]
        tau = [float(d.dependence["pole_threat"][t, i, p]) for p in range(3)]
        sd = [float(d.dependence["security_dependence"][t, i, p]) for p in range(3)]
        offer = [float(d.power["economic_offer"][t, p]) for p in range(3)]
        threat_p = [float(d.power["revisionism"][t, p] * d.power["capability"][t, p] * d.power["attention"][t, p])
                    for p in range(3)]
        threat = float(d.state["threat_level"][t, i])
        regime = float(d.state["regime_insecurity"][t, i])
        sov = float(d.state["sovereignty_sensitivity"][t, i])
        neutral = float(d.state["neutrality"][t, i])
        others = [a for a in m.states if a is not self]
        npoles = inp.lead.shape[2]
        theta_all = threat_p + [0.0] * (npoles - 3)
        for j in range(L):
            top = int(inp.max_level[t, i, j])
            if top == 0:
                self.next_level[j] = 0
                continue
            lead = [float(x) for x in inp.lead[t, j]]
            off = inp.offers[t, j]
            depth = float(inp.depth[t, j])
            sec = float(off[0]) * threat * (0.5 + 0.5 * sum(lead[p] * sd[p] for p in range(3)))
            lead_offer = sum(lead[p] * offer[p] for p in range(3))
            eco = float(off[1]) * sum(lead[p] * ed[p] for p in range(3)) * (0.5 + 0.5 * lead_offer)
            reg = float(off[2]) * regime
            if inp.neighbours is None:
                net = sum(1 for a in others if a.level[j] == 2) / max(len(m.states) - 1, 1)
            else:   # the other states of its region
                nb = [a for a in others if inp.neighbours[i, a.index] > 0]
                net = sum(1 for a in nb if a.level[j] == 2) / max(len(nb), 1)
            kappa = 0.5 + sum(lead[p] * theta_all[p] for p in range(npoles))
            full = (w.security_weight * sec + w.economy_weight * eco + w.regime_weight * reg
                    + w.network_weight * net
                    + w.external_weight * sum(tau[p] * (1.0 - 2.0 * lead[p]) for p in range(3)))
            sov_cost = w.sovereignty_weight * sov * m.depth[j] * kappa   # the depth the body has reached
            fresh = (t == 0) or int(inp.max_level[t - 1, i, j]) == 0     # no status quo: a first choice
            frm = 3 if fresh else self.model.prev[i][j]
            alpha = self.model.alpha[j][frm]
            press = 0.0
            for p in range(3):
                lev = max(ed[p], sd[p]) * (1.0 - 0.5 * max(offer[q] for q in range(3) if q != p))
                press += float(d.pressure[t, p, j]) * float(d.power["attention"][t, p]) * lev
            base = [0.0] * npoles
            for jj in range(L):
                if jj == j:
                    continue
                tw = 0.25 + float(inp.depth[t, jj])
                for p in range(npoles):
                    base[p] += V[self.level[jj]] * tw * float(inp.lead[t, jj, p])
            tw = 0.25 + depth
            utils, open_k = [], [k for k in range(3) if inp.allowed[t, i, j, k]]
            for k in open_k:
                ties = [base[p] + V[k] * tw * lead[p] for p in range(npoles)]
                total = sum(ties)
                risk = sum(threat_p[p] * (ties[p] / total) ** 2 for p in range(3)) if total > 0 else 0.0
                u = alpha[k] + V[k] * full - V[k] ** 2 * sov_cost - w.balance_weight * sov * risk
                u -= w.neutrality_weight * neutral * float(inp.aligning[t, j]) * (1.0 if k == 2 else 0.0)
                u -= w.pressure_weight * press * (1.0 if k < 2 else 0.0)
                if frm < 3 and k < frm:   # ties with memory: leaving a long-held tie costs more
                    u -= w.exit_tenure_weight * math.log1p(self.tenure[j])
                utils.append(u)
            mx = max(utils)
            e = [math.exp(u - mx) for u in utils]
            s = sum(e)
            probs = [0.0, 0.0, 0.0]
            for k, x in zip(open_k, e, strict=True):
                probs[k] = x / s
            r = self.random.random()
            self.next_level[j] = 0 if r < probs[0] else (1 if r < probs[0] + probs[1] else 2)
            for k in range(3):
                self.prob_sum[j][k] += probs[k]

    def commit(self) -> None:
        self.level = list(self.next_level)

    def take_stances(self) -> None:
        """As a member, support the deepening step, go along or obstruct (a logit over three utilities)."""
        inp, w, t, i = self.model.inp, self.model.w, self.model.t, self.index
        d = inp.drivers
        ed = [sum(float(d.dependence[n][t, i, p]) for n in DEP) / len(DEP)
              + float(d.dependence["finance_dependence"][t, i, p]) for p in range(3)]
        tau = [float(d.dependence["pole_threat"][t, i, p]) for p in range(3)]
        sd = [float(d.dependence["security_dependence"][t, i, p]) for p in range(3)]
        offer = [float(d.power["economic_offer"][t, p]) for p in range(3)]
        theta = [float(d.power["revisionism"][t, p] * d.power["capability"][t, p] * d.power["attention"][t, p])
                 for p in range(3)]
        threat = float(d.state["threat_level"][t, i])
        sov = float(d.state["sovereignty_sensitivity"][t, i])
        self.stance = [1] * len(inp.lines)
        for j in range(len(inp.lines)):
            if self.level[j] != 2 or not self.model.on_table[j]:
                continue
            lead = [float(x) for x in inp.lead[t, j]]
            off = inp.offers[t, j]
            sec = float(off[0]) * threat * (0.5 + 0.5 * sum(lead[p] * sd[p] for p in range(3)))
            lead_offer = sum(lead[p] * offer[p] for p in range(3))
            eco = float(off[1]) * sum(lead[p] * ed[p] for p in range(3)) * (0.5 + 0.5 * lead_offer)
            kappa = 0.5 + sum(lead[p] * theta[p] for p in range(3))
            g = (w.economy_weight * eco + w.security_weight * sec - w.sovereignty_weight * sov * kappa
                 - w.external_weight * sum(tau[p] * lead[p] for p in range(3)))
            press = 0.0
            for p in range(3):
                lev = max(ed[p], sd[p]) * (1.0 - 0.5 * max(offer[q] for q in range(3) if q != p))
                press += float(d.pressure[t, p, j]) * float(d.power["attention"][t, p]) * lev
            u = [g, 0.0, -g - w.obstruction_cost - w.pressure_weight * press]
            mx = max(u)
            e = [math.exp(x - mx) for x in u]
            r = self.random.random() * sum(e)
            self.stance[j] = 0 if r < e[0] else (1 if r < e[0] + e[1] else 2)

    def age_ties(self) -> None:
        """End of the year: a tie held this year is a year older; a tie dropped starts again from 0."""
        self.tenure = [n + 1 if lv >= 1 else 0 for n, lv in zip(self.tenure, self.level, strict=True)]


class EngagementModel(mesa.Model):
    """One Monte Carlo run: `step()` advances one year."""

    def __init__(self, inp: ModelInputs, params: Parameters, seed: int = 0):
        super().__init__(seed=seed)
        self.inp, self.w, self.t = inp, params, 0
        self.states = [StateAgent(self, i) for i in range(len(inp.states))]
        self.prev = [[0] * len(inp.lines) for _ in inp.states]
        self.alpha = params.alpha_array(inp.lines).tolist()     # [line][from-level][level]

    def step(self) -> None:
        if self.t == 0:
            self.depth = [float(x) for x in self.inp.depth[0]]
        else:   # a new treaty (a new organization of the line) sets the depth anew
            for j in range(len(self.inp.lines)):
                if self.inp.era_org[self.t, j] != self.inp.era_org[self.t - 1, j]:
                    self.depth[j] = float(self.inp.depth[self.t, j])
        for a in self.states:  # organizations closed this year cannot be kept
            a.level = [min(lv, int(self.inp.max_level[self.t, a.index, j])) for j, lv in enumerate(a.level)]
        self.prev = [list(a.level) for a in self.states]
        self.on_table = self._on_table()
        self.agents.do("choose")     # every agent reads last year's levels of the others
        self.agents.do("commit")
        self.agents.do("take_stances")
        self.negotiate_depth()
        self.agents.do("age_ties")
        self.t += 1

    def _on_table(self) -> list[bool]:
        """A deepening step is on the table where a power pushes the body or a proposal is on record."""
        inp, t, p = self.inp, self.t, self.inp.drivers.power
        out = []
        for j in range(len(inp.lines)):
            push = sum(float(inp.drivers.pressure[t, k, j]) * float(p["attention"][t, k]) * float(p["capability"][t, k])
                       for k in range(3))
            proposal = inp.proposals is not None and bool(inp.proposals[t, j])
            out.append(bool(inp.exists[t, j]) and (push > 0 or proposal))
        return out

    def negotiate_depth(self) -> None:
        """Next year's depth of each organization: the members' stances under its decision rule."""
        inp, t = self.inp, self.t
        p = inp.drivers.power
        for j in range(len(inp.lines)):
            push = sum(float(inp.drivers.pressure[t, k, j]) * float(p["attention"][t, k]) * float(p["capability"][t, k])
                       for k in range(3))
            members = [a for a in self.states if a.level[j] == 2 and self.on_table[j]]
            if push <= 0 or not members:
                continue
            q = self.depth[j]
            pos = [1.0 if a.stance[j] == 0 else (q if a.stance[j] == 1 else 0.0) for a in members] + [1.0]
            wgt = [1.0 if a.stance[j] != 1 else 0.5 for a in members] + [push * len(members)]
            consensus = bool(inp.consensus[t, j])
            veto = [consensus and a.stance[j] != 1 for a in members] + [consensus]
            out = float(consensus_compromise(np.array(pos), np.array(wgt), np.array(veto), np.array(q)))
            self.depth[j] = min(max(out, 0.0), 1.0)


def run_mesa(inp: ModelInputs, params: Parameters, runs: int, seed: int = 0) -> list[list[list[list[float]]]]:
    """Mean choice probabilities [year][state][line][level] over `runs` Mesa runs."""
    T, S, L = inp.T, len(inp.states), len(inp.lines)
    acc = [[[[0.0] * 3 for _ in range(L)] for _ in range(S)] for _ in range(T)]
    for r in range(runs):
        model = EngagementModel(inp, params, seed=seed + r)
        for t in range(T):
            for a in model.states:
                a.prob_sum = [[0.0, 0.0, 0.0] for _ in range(L)]
            model.step()
            for a in model.states:
                for j in range(L):
                    ps = a.prob_sum[j]
                    if inp.max_level[t, a.index, j] == 0:
                        ps = [1.0, 0.0, 0.0]
                    for k in range(3):
                        acc[t][a.index][j][k] += ps[k] / runs
    return acc
