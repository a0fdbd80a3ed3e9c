# Per-conv float32 error of Winograd tile choices against a float64 reference, on the 3x3
# stride-1 convs of the e2e IG ResNet-18 (DIR/resnet18.pt, DIR/x.npy from e2e-ig-captum.py setup):
# each conv's real input (forward) and real output gradient (the input gradient, a conv by the
# flipped filter), captured with torch at IG points alpha = 0.3 and 1 of image 0. Every stage is
# simulated in float32 as core's kernels do it (input transform, filter transform in float64
# rounded to float32, one float32 matmul per transform point, output transform); the baseline is
# the float32 direct conv (one float32 matmul over 9 * c, as XNNPACK). Prints, per tile, the
# median and max over convs of max|err| / max|ref| and of the relative L2 error, each also as a
# ratio to the direct conv's on the same conv; and the tile's matrices (for winograd-simd.ts).
# Tiles: F(2,3); F(3,3) and F(4,3) on 0, ±1, infinity and one or two of ±1/2, ±2, ±1/3, ±3/2,
# ±2/3, ±1/4; the best with the 1/N_j scaling in A or nowhere instead of G (no change: <= 10%).
# Measured (median / worst over the 32 conv passes of max|err|/max|ref|, as multiples of the
# direct float32 conv's, which is 3.6e-7 median): F2 0.9 / 1.8; F3 (0,±1,-2) 3.5 / 10.4;
# F4 (0,±1,±2) 9.4 / 25.6; F4 (0,±1,1/2,-2) 4.1 / 7.8 (core's F4H); (0,±1,-1/2,2) 3.9 / 7.7;
# most other pairs worse than (0,±1,±2).
# Usage: /usr/bin/python3 bench/winograd-tile-error.py [DIR] [LABEL-SUBSTRING]
import itertools
import sys
from fractions import Fraction

import numpy as np
import torch
import torchvision

out_dir = sys.argv[1] if len(sys.argv) > 1 else "/tmp/interp-e2e-ig"


def toom_cook(points, m, scale="lavin"):
    """A^T (m x t), G (t x 3), B^T (t x t) for F(m, 3) with the finite `points` and infinity."""
    t = m + 2
    pts = [Fraction(p) for p in points]
    assert len(pts) == t - 1
    n = [1] * (t - 1)
    for j, p in enumerate(pts):
        for l, q in enumerate(pts):
            if l != j:
                n[j] *= p - q
    at = [[p**i for p in pts] + [Fraction(int(i == m - 1))] for i in range(m)]
    g = [[p**k for k in range(3)] for p in pts] + [[0, 0, 1]]
    g = [[Fraction(v) for v in row] for row in g]
    # Diagonal scaling: where 1/N_j goes (G's rows as Lavin, A's columns, or B's rows).
    for j in range(t - 1):
        if scale == "lavin":
            g[j] = [v / n[j] for v in g[j]]
        elif scale == "a":
            for i in range(m):
                at[i][j] /= n[j]
    # Solve B^T: sum_j at[i][j] g[j][k] bt[j][l] = [l == i + k], exactly (rational least squares
    # through float64, then rationalized and checked).
    rows, rhs = [], []
    for i in range(m):
        for k in range(3):
            for l in range(t):
                row = np.zeros((t, t))
                for j in range(t):
                    row[j, l] = float(at[i][j] * g[j][k])
                rows.append(row.ravel())
                rhs.append(1.0 if l == i + k else 0.0)
    sol, *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    bt = [[Fraction(v).limit_denominator(10000) for v in sol[r * t : (r + 1) * t]] for r in range(t)]
    for i in range(m):
        for k in range(3):
            for l in range(t):
                s = sum(at[i][j] * g[j][k] * bt[j][l] for j in range(t))
                assert s == (1 if l == i + k else 0), (points, scale)
    f = lambda mat: np.array([[float(v) for v in row] for row in mat])  # noqa: E731
    return {"m": m, "t": t, "at": f(at), "g": f(g), "bt": f(bt), "frac": (at, g, bt)}


def f32(a):
    return a.astype(np.float32)


def winograd(x, w, tile):
    """'same' 3x3 conv of NHWC x by [3,3,c,k] w, all stages in float32."""
    m, t, at, g, bt = tile["m"], tile["t"], tile["at"], tile["g"], tile["bt"]
    n, h, wd, c = x.shape
    k = w.shape[3]
    th, tw = -(-h // m), -(-wd // m)
    xp = np.zeros((n, th * m + 2, tw * m + 2, c), np.float32)
    xp[:, 1 : 1 + h, 1 : 1 + wd] = x
    idx_h = (np.arange(th) * m)[:, None] + np.arange(t)[None]
    idx_w = (np.arange(tw) * m)[:, None] + np.arange(t)[None]
    d = xp[:, idx_h][:, :, :, idx_w]  # n, th, t, tw, t, c
    d = d.transpose(0, 1, 3, 2, 4, 5)  # n, th, tw, t, t, c
    bt32, at32 = f32(bt), f32(at)
    r = np.einsum("ai,nhwijc->nhwajc", bt32, d, dtype=np.float32)
    v = np.einsum("bj,nhwajc->abnhwc", bt32, r, dtype=np.float32).reshape(t * t, -1, c)
    u = f32(np.einsum("ai,bj,ijck->abck", g, g, w.astype(np.float64)).reshape(t * t, c, k))
    mm = np.matmul(v, u)  # float32
    mm = mm.reshape(t, t, n, th, tw, k)
    r2 = np.einsum("ia,abnhwk->ibnhwk", at32, mm, dtype=np.float32)
    y = np.einsum("jb,ibnhwk->nhiwjk", at32, r2, dtype=np.float32)
    return y.reshape(n, th * m, tw * m, k)[:, :h, :wd]


def direct(x, w, dtype):
    n, h, wd, c = x.shape
    xp = np.zeros((n, h + 2, wd + 2, c), dtype)
    xp[:, 1:-1, 1:-1] = x
    cols = np.stack([xp[:, i : i + h, j : j + wd] for i in range(3) for j in range(3)], 3)
    return (cols.reshape(-1, 9 * c) @ w.astype(dtype).reshape(9 * c, -1)).reshape(n, h, wd, -1)


# Captured convs: (label, x NHWC float32, w [3,3,c,k] float32).
model = torchvision.models.resnet18(weights=None).eval()
model.load_state_dict(torch.load(f"{out_dir}/resnet18.pt"))
model = model.double()
convs = [(name, mod) for name, mod in model.named_modules()
         if isinstance(mod, torch.nn.Conv2d) and mod.kernel_size == (3, 3) and mod.stride == (1, 1)]
x0 = torch.from_numpy(np.load(f"{out_dir}/x.npy")[:1]).double()
cases = []
for alpha in (0.3, 1.0):
    saved = {}
    hooks = []
    for name, mod in convs:
        def fwd(mod, inp, out, name=name):
            saved[name] = [inp[0].detach()]
            out.register_hook(lambda gr, name=name: saved[name].append(gr.detach()))
        hooks.append(mod.register_forward_hook(fwd))
    xa = (alpha * x0).requires_grad_(True)
    logits = model(xa)
    logits[0, logits[0].argmax()].backward()
    for h in hooks:
        h.remove()
    for name, mod in convs:
        inp, gout = saved[name]
        w = mod.weight.detach().permute(2, 3, 1, 0).numpy()  # [3,3,c,k]
        to_nhwc = lambda a: a.permute(0, 2, 3, 1).numpy().astype(np.float32)  # noqa: E731
        cases.append((f"{name} fwd a={alpha}", to_nhwc(inp), w.astype(np.float32)))
        wt = w[::-1, ::-1].transpose(0, 1, 3, 2).copy()  # flipped, in/out swapped
        cases.append((f"{name} dx a={alpha}", to_nhwc(gout), wt.astype(np.float32)))


def errors(y, ref):
    scale = np.abs(ref).max()
    return np.abs(y - ref).max() / scale, np.linalg.norm(y - ref) / np.linalg.norm(ref)


base = []
refs = []
for _label, x, w in cases:
    ref = direct(x.astype(np.float64), w, np.float64)
    refs.append(ref)
    base.append(errors(direct(x, w, np.float32), ref))
print(f"direct float32: max-err median {np.median([b[0] for b in base]):.2e}, "
      f"max {np.max([b[0] for b in base]):.2e}; rel L2 median {np.median([b[1] for b in base]):.2e}")

tiles = {
    "F2": ((0, 1, -1), 2, "lavin"),
    "F4 (0,±1,±2)": ((0, 1, -1, 2, -2), 4, "lavin"),
}
pool = [Fraction(1, 2), Fraction(-1, 2), 2, -2, Fraction(1, 3), Fraction(-1, 3), Fraction(3, 2),
        Fraction(-3, 2), Fraction(2, 3), Fraction(-2, 3), Fraction(1, 4), Fraction(-1, 4)]
for p in pool:
    tiles[f"F3 (0,±1,{p})"] = ((0, 1, -1, p), 3, "lavin")
for p, q in itertools.combinations(pool, 2):
    tiles[f"F4 (0,±1,{p},{q})"] = ((0, 1, -1, p, q), 4, "lavin")
for sc in ("a", "none"):
    tiles[f"F4 (0,±1,1/2,-2) scale {sc}"] = ((0, 1, -1, Fraction(1, 2), -2), 4, sc)
    tiles[f"F4 (0,±1,2,-2) scale {sc}"] = ((0, 1, -1, 2, -2), 4, sc)
    tiles[f"F3 (0,±1,-2) scale {sc}"] = ((0, 1, -1, -2), 3, sc)
    tiles[f"F3 (0,±1,2) scale {sc}"] = ((0, 1, -1, 2), 3, sc)
only = sys.argv[2] if len(sys.argv) > 2 else None
results = []
for label, (points, m, scale) in tiles.items():
    if only and only not in label:
        continue
    tile = toom_cook(points, m, scale)
    e = [errors(winograd(x, w, tile), ref) for (_l, x, w), ref in zip(cases, refs)]
    ratio_max = [a[0] / b[0] for a, b in zip(e, base)]
    ratio_l2 = [a[1] / b[1] for a, b in zip(e, base)]
    results.append((np.median(ratio_l2), label, tile, e, ratio_max, ratio_l2))
    print(f"{label:28s} max-err median {np.median([a[0] for a in e]):.2e} max {np.max([a[0] for a in e]):.2e} "
          f"(x direct: median {np.median(ratio_max):.1f}, max {np.max(ratio_max):.1f}); rel L2 median "
          f"{np.median([a[1] for a in e]):.2e} (x direct: median {np.median(ratio_l2):.1f}, max {np.max(ratio_l2):.1f})",
          flush=True)
results.sort(key=lambda r: r[0])
print("\nbest by median rel-L2 ratio:")
for r in results[:8]:
    print(f"{r[1]:28s} {r[0]:.2f}")
for r in results[:3]:
    at, g, bt = r[2]["frac"]
    s = lambda mat: [[str(v) for v in row] for row in mat]  # noqa: E731
    print(r[1], "\n at", s(at), "\n g", s(g), "\n bt", s(bt))
