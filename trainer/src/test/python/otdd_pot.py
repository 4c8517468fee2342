#!/usr/bin/env python3
"""Reference OTDD value + gradient for one class-wise call, with POT (Debian's python3-pot 0.8.2) on PyTorch.

Reads the data a run of `bench/run otdd dump=<dir>` used (source.npy, source-labels.npy, target.npy,
target-labels.npy, float32; Orca's gradient target-gradient.npy is compared when present) and computes the
same quantity as ot_fixtures.py defines it: label-to-label cost W(y, y') = debiased Sinkhorn divergence
between the class-conditional clouds, point cost |x - x'|^2 + W(y, y'), outer debiased Sinkhorn divergence,
all at the same absolute eps. Gradients with respect to the target points
come from the envelope theorem (the gradient of an entropic OT value with respect to its cost matrix is the
optimal plan), as geomloss, which microsoft/otdd uses, computes them.

Terms that depend on the source alone (its label-to-label costs, its class self-terms, its outer self-term)
are computed once before timing, as Orca's OtddSource.prepare does; each timed call computes the ten
target-vs-source-class divergences, the target self-terms and the outer target-source and target-target
problems, then the gradient.

Usage: /usr/bin/python3 otdd_pot.py <dir> [eps=0.1] [calls=3] [threads=2]
"""
import os
import sys
import time

import numpy as np
import ot
import torch

ITERATIONS = 100000
# POT stops on the L2 norm of the column-marginal error; 1e-6 against marginals of 1/n is about the 1e-4
# relative violation Orca's fast solve stops at, so the two do comparable work.
STOP = 1e-6


def entropic(a, b, M, eps):
    """Entropic OT value <P, M> + eps KL(P | a x b), differentiable in M through the optimal plan."""
    with torch.no_grad():
        P = ot.sinkhorn(a, b, M.detach(), eps, method="sinkhorn_log", numItermax=ITERATIONS, stopThr=STOP)
        mask = P > 0
        kl = (P[mask] * (torch.log(P[mask]) - torch.log(torch.outer(a, b)[mask]))).sum()
    return (P * M).sum() + eps * kl


def divergence(x, a, y, b, eps, xx, yy):
    """Debiased Sinkhorn divergence, given the two self-terms."""
    return entropic(a, b, ot.dist(x, y), eps) - 0.5 * xx - 0.5 * yy


def uniform(n, like):
    return torch.full((n,), 1.0 / n, dtype=like.dtype)


class PreparedSource:
    """Everything that depends on the source alone."""

    def __init__(self, xs, ys, eps):
        self.xs, self.eps = xs, eps
        self.classes = sorted(set(ys.tolist()))
        self.clouds = [xs[ys == c] for c in self.classes]
        self.weights = [uniform(len(c), xs) for c in self.clouds]
        with torch.no_grad():
            self.self_terms = [entropic(w, w, ot.dist(c, c), eps) for c, w in zip(self.clouds, self.weights)]
            k = len(self.classes)
            W = torch.zeros(k, k, dtype=xs.dtype)
            for i in range(k):
                for j in range(i + 1, k):
                    W[i, j] = W[j, i] = divergence(self.clouds[i], self.weights[i], self.clouds[j], self.weights[j], eps,
                                                   self.self_terms[i], self.self_terms[j])
            self.index = torch.tensor([self.classes.index(c) for c in ys.tolist()])
            self.b = uniform(len(xs), xs)
            self.outer_self = entropic(self.b, self.b, ot.dist(xs, xs) + W[self.index][:, self.index], eps)


def class_wise_otdd(source, xt):
    """One class-wise call: a batch of target points of one class against the whole prepared source."""
    eps = source.eps
    a = uniform(len(xt), xt)
    # The target class's self-term serves twice: in its label costs, and as the outer target-target term (a class
    # against itself has label cost 0, so that cost matrix is the feature cost alone).
    tt = entropic(a, a, ot.dist(xt, xt), eps)
    label_costs = torch.stack([divergence(xt, a, c, w, eps, tt, s)
                               for c, w, s in zip(source.clouds, source.weights, source.self_terms)])
    ts = entropic(a, source.b, ot.dist(xt, source.xs) + label_costs[source.index].unsqueeze(0), eps)
    return ts - 0.5 * tt - 0.5 * source.outer_self


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    folder = sys.argv[1]
    opts = dict(a.split("=", 1) for a in sys.argv[2:])
    eps = float(opts.get("eps", 0.1))
    calls = int(opts.get("calls", 3))
    torch.set_num_threads(int(opts.get("threads", 2)))
    xs = torch.from_numpy(np.load(f"{folder}/source.npy"))
    ys = np.load(f"{folder}/source-labels.npy").astype(np.int64)
    xt = torch.from_numpy(np.load(f"{folder}/target.npy"))
    yt = np.load(f"{folder}/target-labels.npy").astype(np.int64)
    if len(set(yt.tolist())) != 1:
        sys.exit("target.npy must hold one class (a class-wise call)")
    print(f"POT {ot.__version__} on PyTorch {torch.__version__}, {torch.get_num_threads()} threads: source {tuple(xs.shape)}"
          f" in {len(set(ys.tolist()))} classes, target {tuple(xt.shape)}, eps {eps}, sinkhorn_log, stopThr {STOP:g}")
    start = time.perf_counter()
    source = PreparedSource(xs, ys, eps)
    print(f"source preparation (once): {time.perf_counter() - start:.2f} s")
    times = []
    value = None
    for _ in range(calls):
        x = xt.clone().requires_grad_(True)
        t0 = time.perf_counter()
        value = class_wise_otdd(source, x)
        value.backward()
        x.grad.numpy()
        times.append(time.perf_counter() - t0)
    theirs = f"{folder}/target-gradient.npy"
    if os.path.exists(theirs):
        g = torch.from_numpy(np.load(theirs))
        print(f"gradient: Orca's fast solve vs POT, relative difference {((g - x.grad).norm() / x.grad.norm()).item():.2e}")
    print(f"POT value + gradient: mean {np.mean(times):.3f} s per class-wise call ({calls} calls, best {min(times):.3f}),"
          f" value {value.item():.6f}, gradient norm {x.grad.norm().item():.6f}")


if __name__ == "__main__":
    main()
