#!/usr/bin/env python3
"""Reference values for the OT tests, computed with POT (Debian's python3-pot 0.8.2) in float64.

Writes ../resources/fixtures/ot-reference.json:
- "sinkhorn": entropic OT between random weighted clouds at several eps: POT's log-domain plan, its
  transport cost <P, C> and its entropic value <P, C> + eps KL(P | a x b).
- "emd": the exact (unregularised) OT cost of one problem, for the small-eps limit.
- "otdd": the exact OTDD (debiased, entropic) of a small labelled source/target pair, computed from its
  definition with POT: label-to-label costs W(y, y') = debiased Sinkhorn divergence between the
  class-conditional clouds, point cost |x - x'|^2 + W(y, y'), outer debiased Sinkhorn divergence.
- "otdd_gaussian": the same with W(y, y') = 2-Wasserstein between fitted Gaussians (scipy sqrtm).
POT may warn that a self-transport problem stopped at its iteration cap: those stop with marginal
errors near 1e-9, which moves the values by less than 1e-7 relative.

Usage: /usr/bin/python3 ot_fixtures.py   (needs python3-pot, python3-numpy)
"""
import json
import os

import numpy as np
import ot
import scipy.linalg


def entropic(a, b, M, eps):
    P = ot.sinkhorn(a, b, M, eps, method="sinkhorn_log", numItermax=200000, stopThr=1e-9)
    cost = float((P * M).sum())
    mask = P > 0
    kl = float((P[mask] * (np.log(P[mask]) - np.log(np.outer(a, b)[mask]))).sum())
    return P, cost, cost + eps * kl


def divergence(x, a, y, b, eps):
    _, _, xy = entropic(a, b, ot.dist(x, y), eps)
    _, _, xx = entropic(a, a, ot.dist(x, x), eps)
    _, _, yy = entropic(b, b, ot.dist(y, y), eps)
    return xy - 0.5 * xx - 0.5 * yy


def gaussian_w2(p, q):
    """2-Wasserstein^2 between Gaussians fitted to p and q (MLE covariance, 1/n)."""
    mp, mq = p.mean(0), q.mean(0)
    cp = np.cov(p.T, bias=True)
    cq = np.cov(q.T, bias=True)
    rp = scipy.linalg.sqrtm(cp)
    cross = np.real(scipy.linalg.sqrtm(rp @ cq @ rp))
    return float(((mp - mq) ** 2).sum() + np.trace(cp) + np.trace(cq) - 2 * np.trace(cross))


def otdd(xs, ys, xt, yt, eps, label_distance=None):
    classes_s = sorted(set(ys.tolist()))
    classes_t = sorted(set(yt.tolist()))
    unif = lambda n: np.full(n, 1.0 / n)
    sets = [("s", c, xs[ys == c]) for c in classes_s] + [("t", c, xt[yt == c]) for c in classes_t]
    index = {(k, c): i for i, (k, c, _) in enumerate(sets)}
    W = np.zeros((len(sets), len(sets)))
    for i, (_, _, p) in enumerate(sets):
        for j, (_, _, q) in enumerate(sets):
            if i < j:
                W[i, j] = W[j, i] = (label_distance(p, q) if label_distance
                                     else divergence(p, unif(len(p)), q, unif(len(q)), eps))
    ls = np.array([index[("s", c)] for c in ys])
    lt = np.array([index[("t", c)] for c in yt])

    def cost(x1, l1, x2, l2):
        return ot.dist(x1, x2) + W[np.ix_(l1, l2)]

    a, b = unif(len(xt)), unif(len(xs))
    _, _, ts = entropic(a, b, cost(xt, lt, xs, ls), eps)
    _, _, tt = entropic(a, a, cost(xt, lt, xt, lt), eps)
    _, _, ss = entropic(b, b, cost(xs, ls, xs, ls), eps)
    label_ts = [[W[index[("t", i)], index[("s", j)]] for j in classes_s] for i in classes_t]
    return ts - 0.5 * tt - 0.5 * ss, label_ts


def main():
    rng = np.random.default_rng(20261128)
    out = {"generator": "POT " + ot.__version__ + ", numpy " + np.__version__, "sinkhorn": [], "emd": None}
    x = rng.normal(size=(30, 3))
    y = rng.normal(loc=0.7, size=(40, 3)) * 1.3
    a = rng.uniform(0.5, 1.5, 30)
    a /= a.sum()
    b = rng.uniform(0.5, 1.5, 40)
    b /= b.sum()
    M = ot.dist(x, y)
    for eps in (2.0, 0.5, 0.1):
        _, cost, value = entropic(a, b, M, eps)
        out["sinkhorn"].append({"x": x.tolist(), "y": y.tolist(), "a": a.tolist(), "b": b.tolist(),
                                "eps": eps, "transport_cost": cost, "value": value})
    out["emd"] = {"x": x.tolist(), "y": y.tolist(), "a": a.tolist(), "b": b.tolist(), "cost": float(ot.emd2(a, b, M))}

    xs = np.concatenate([rng.normal(loc=m, size=(n, 4)) for m, n in ((0.0, 20), (1.5, 25), (-1.0, 15))])
    ys = np.array([0] * 20 + [1] * 25 + [2] * 15)
    xt = np.concatenate([rng.normal(loc=m, size=(n, 4)) * 0.8 for m, n in ((0.5, 18), (-0.5, 22))])
    yt = np.array([0] * 18 + [1] * 22)
    eps = 0.1
    value, label_ts = otdd(xs, ys, xt, yt, eps)
    out["otdd"] = {"xs": xs.tolist(), "ys": ys.tolist(), "xt": xt.tolist(), "yt": yt.tolist(), "eps": eps,
                   "value": value, "label_ts": label_ts}
    value, label_ts = otdd(xs, ys, xt, yt, eps, gaussian_w2)
    out["otdd_gaussian"] = {"value": value, "label_ts": label_ts}
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "ot-reference.json")
    with open(target, "w") as f:
        json.dump(out, f)
    print("wrote", target, "otdd", value)


if __name__ == "__main__":
    main()
