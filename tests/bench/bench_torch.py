#!/usr/bin/python3
"""bench_torch.py - `make bench`, the PyTorch half.

Times the same training steps as tests/bench/bench.c (one discriminator step,
then one generator step, non-saturating loss, Adam(2e-4, 0.5, 0.999)) in
PyTorch on one thread, in float32 and float64, then reads build/bench.csv
(written by build/bench) and prints the ratios litgan / PyTorch and the targets.

Usage: tests/bench/bench_torch.py [toy|mnist|mnist-data]... [--seconds S] [--csv PATH]
Always exits 0 when it ran: a benchmark reports, it does not gate.

The PyTorch step is written to do the same GEMMs as litgan, so that one FLOP
count serves both (see step_flops): G runs under no_grad in the D step (litgan
records no gradient path into a frozen G), and D's parameters have
requires_grad off in the G step (litgan computes no dW for a frozen D). Both
only remove work PyTorch would otherwise do, so the comparison is with the
faster PyTorch.
"""
import csv
import os
import statistics
import sys
import time

# one thread everywhere, before torch starts its pools
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

REPEATS = 5
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CSV = os.path.join(os.environ.get("LG_BUILD", os.path.join(HERE, "..", "..", "build")),
                           "bench.csv")

# Targets from the issue: litgan (double) against PyTorch in the given dtype.
TARGETS = [("toy", "float32", 3.0), ("mnist", "float64", 1.0)]


def toy_nets():
    """G 2-128r-128r-2, D 2-128r-128r-1 (litgan's specs)."""
    g = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                      nn.Linear(128, 2))
    d = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                      nn.Linear(128, 1))
    return g, d


def mnist_nets():
    """The seed's MLP GAN: G 100-128l-256b0.8l-512b0.8l-1024b0.8l-784t,
    D 784-512l-256l-1 (logits). BatchNorm1d(n, 0.8): the seed's eps quirk."""
    def block(i, o):
        return [nn.Linear(i, o), nn.BatchNorm1d(o, 0.8), nn.LeakyReLU(0.2)]
    g = nn.Sequential(nn.Linear(100, 128), nn.LeakyReLU(0.2), *block(128, 256),
                      *block(256, 512), *block(512, 1024), nn.Linear(1024, 784), nn.Tanh())
    d = nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256),
                      nn.LeakyReLU(0.2), nn.Linear(256, 1))
    return g, d


def read_idx(path):
    """An IDX file of unsigned bytes (gzip'd), as a uint8 tensor of its shape."""
    import gzip
    import struct
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, kind, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def mnist_images():
    """The training digits litgan's --data mnist draws from (make data converts them)."""
    data = os.environ.get("LITGAN_DATA") or os.path.join(
        os.environ.get("LG_BUILD", os.path.join(HERE, "..", "..", "build")), "data")
    return read_idx(os.path.join(data, "mnist", "train-images-idx3-ubyte.gz")).reshape(-1, 784)


# name, nets, batch, z_dim, x_dim, data (None: uniform noise of the data's shape)
CASES = [("toy", toy_nets, 256, 2, 2, None), ("mnist", mnist_nets, 64, 100, 784, None),
         ("mnist-data", mnist_nets, 64, 100, 784, mnist_images)]


def linear_flops(net):
    """Forward FLOPs per sample of every Linear layer, 2 * in * out each, and of the first."""
    f = [2.0 * m.in_features * m.out_features for m in net.modules() if isinstance(m, nn.Linear)]
    return sum(f), f[0]


def step_flops(g, d, batch):
    """GEMM FLOPs of one step; the derivation is beside step_flops in bench.c:
    per sample 4 F_G - F_G1 + 8 F_D - 2 F_D1."""
    fg, fg1 = linear_flops(g)
    fd, fd1 = linear_flops(d)
    return batch * (4 * fg - fg1 + 8 * fd - 2 * fd1)


def make_step(g, d, batch, z_dim, x_dim, dtype, images=None):
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_params = list(d.parameters())

    def step():
        # D step: minimise mean softplus(-D(x)) + mean softplus(D(G(z)))
        # (= BCE with logits against labels 1 and 0; Goodfellow et al. 2014, Sec. 3)
        if images is None:
            x = torch.rand(batch, x_dim, dtype=dtype) * 2 - 1      # x ~ U(-1, 1)
        else:                                                      # a batch of digits, drawn with
            rows = torch.randint(0, images.shape[0], (batch,))     # replacement as litgan does
            x = images[rows].to(dtype) / 127.5 - 1
        z = torch.randn(batch, z_dim, dtype=dtype)                 # z ~ N(0, I)
        with torch.no_grad():
            fake = g(z)                                            # detached fake
        loss_d = F.softplus(-d(x)).mean() + F.softplus(d(fake)).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # G step (non-saturating): minimise mean softplus(-D(G(z))), fresh z
        for p in d_params:
            p.requires_grad_(False)
        z = torch.randn(batch, z_dim, dtype=dtype)
        loss_g = F.softplus(-d(g(z))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for p in d_params:
            p.requires_grad_(True)
    return step


def time_steps(step, n):
    """Wall seconds of n steps, and the CPU seconds of this process meanwhile."""
    c0, t0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        step()
    t = time.perf_counter() - t0
    return t, time.process_time() - c0


def bench(step, seconds):
    """Same method as bench.c: warm-up (>= 3 steps and 0.2 s), calibration over
    0.25 s, REPEATS repetitions of about `seconds` each. Returns the best and
    median rate and the CPU share (CPU time / wall time) of the best repetition."""
    t, n = 0.0, 0
    while n < 3 or t < 0.2:
        t += time_steps(step, 1)[0]
        n += 1
    t, n = 0.0, 0
    while t < 0.25:
        t += time_steps(step, 1)[0]
        n += 1
    steps = max(1, int(seconds * n / t + 0.999))
    reps = sorted((steps / w, c / w) for w, c in (time_steps(step, steps) for _ in range(REPEATS)))
    return reps[-1][0], statistics.median(r for r, _ in reps), reps[-1][1]


def read_csv(path):
    out = {}
    try:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                out[(row["case"], row["impl"], row["dtype"])] = (float(row["steps_per_s"]),
                                                                 float(row["gflops"]))
    except (OSError, KeyError, ValueError) as e:
        print(f"bench_torch: cannot read litgan's results from {path} ({e}): no ratios")
    return out


def main(argv):
    seconds, path, want = 0.6, DEFAULT_CSV, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--seconds" and i + 1 < len(argv):
            seconds = float(argv[i + 1])
            i += 1
        elif a == "--csv" and i + 1 < len(argv):
            path = argv[i + 1]
            i += 1
        elif a in [c[0] for c in CASES]:
            want.append(a)
        else:
            print(f"bench_torch: unknown argument {a} "
                  "(usage: bench_torch.py [toy|mnist]... [--seconds S] [--csv PATH])")
            return 2
        i += 1

    torch.set_num_threads(1)
    torch.manual_seed(1)
    print(f"pytorch bench: torch {torch.__version__}, {torch.get_num_threads()} thread, "
          f"best of {REPEATS} x {seconds:g} s")
    results = {}
    for name, nets, batch, z_dim, x_dim, data in CASES:
        if want and name not in want:
            continue
        try:
            images = data() if data else None
        except (OSError, ValueError) as e:
            print(f"{name:<10} pytorch: no data ({e}): run make data")
            continue
        for dtype, label in ((torch.float32, "float32"), (torch.float64, "float64")):
            g, d = nets()
            g.to(dtype).train()
            d.to(dtype).train()
            flops = step_flops(g, d, batch)
            best, median, share = bench(make_step(g, d, batch, z_dim, x_dim, dtype, images), seconds)
            gflops = best * flops * 1e-9
            results[(name, label)] = best
            busy = ": machine busy, rate too low" if share < 0.9 else ""
            print(f"{name:<10} pytorch {label}  {best:8.1f} steps/s  {gflops:6.2f} GFLOPS   "
                  f"(median {median:.1f} steps/s, {flops * 1e-9:.4g} GFLOP/step, "
                  f"cpu {100 * share:.0f}%{busy})", flush=True)

    lit = read_csv(path)
    if not lit:
        return 0
    print("ratios litgan(double) / pytorch, in steps/s:")
    for (name, label), rate in results.items():
        mine = lit.get((name, "litgan", "double"))
        if mine:
            print(f"{name:<10} litgan/pytorch-{label}  {mine[0] / rate:6.2f}x")
    for name, label, target in TARGETS:
        mine = lit.get((name, "litgan", "double"))
        theirs = results.get((name, label))
        if not mine or not theirs:
            continue
        r = mine[0] / theirs
        verdict = "MET" if r >= target else "NOT MET"
        print(f"target {name:<6} >= {target:g}x pytorch {label}: {r:.2f}x  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
