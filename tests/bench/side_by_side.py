#!/usr/bin/python3
"""side_by_side.py - `make bench`: litgan and PyTorch timed in alternating blocks.

One driver times both. litgan's steps run in `build/bench --serve` (a child
process that keeps its runs open and answers one timed block per request); the
PyTorch steps run here. For each case the blocks alternate, round after round:
for each precision litgan's steps (double, or --precision float), the GEMM
limit and PyTorch's steps (float64, float32) back to back, the precisions and
the three blocks in the opposite order every other round, so a change of load
on this shared machine falls on all of them alike, and each round gives its own
ratios between neighbouring blocks: litgan double / PyTorch float64 and litgan
float / PyTorch float32, the same precision on both sides. Reported: the median
of the per-round ratios with their min-max, and the machine's GEMM limit at the
step's shapes (the GEMMs litgan's step makes, as lg_net_gemms lists them - one
per sample for each convolution - alone, cblas_dgemm / cblas_sgemm back to
back, measured by build/bench in a block of its own in every round), with
litgan's fraction of it at each precision, round by round.

Threads: each thread count runs its own build/bench child with
OPENBLAS_NUM_THREADS=N, and PyTorch here is pinned to N both for its intra-op
pool (torch.set_num_threads) and for the OpenBLAS it calls for its GEMMs
(openblas_set_num_threads on the library it loaded); OMP_WAIT_POLICY=PASSIVE
keeps idle OpenMP threads from spinning on the other core.

A run litgan cannot open in float (nets with no float path yet) is timed in
double only: its float columns say "-" and the reason is printed.

The step, in both: one discriminator step, then one generator step, the
non-saturating loss, Adam(2e-4, 0.5, 0.999), random uniform data of the case's
shape. PyTorch skips the gradients litgan skips (G under no_grad in the D
step, D's parameters frozen in the G step): that only removes work PyTorch
would otherwise do. Its convolutions are its own (oneDNN in float32), not
litgan's lowering.

Usage: side_by_side.py [--quick] [--rounds R] [--seconds S] [--out FILE]
  --quick: the three main cases (toy, MNIST MLP, MNIST DCGAN) on one thread.
  R rounds (default 7) of S-second blocks (default 0.4); the three main cases
  on one thread, whose medians the targets are judged on, get 2 R. Writes a Markdown table to
  FILE (default build/bench.md) besides printing it. Exits 0 when it ran: a
  benchmark reports, it does not gate.
"""
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ["OMP_NUM_THREADS"] = "1"  # the pool is sized per case below

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("LG_BUILD", os.path.join(HERE, "..", "..", "build"))

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:  # litgan and the GEMM limit only
    torch = None

# Targets, one thread. The speed issue's for the MLPs: litgan double / its
# double GEMM limit, litgan double / PyTorch float64; litgan float / its float
# GEMM limit, litgan float / PyTorch float32. The convolutions issue's for
# DCGAN: 60% of the limit of the lowered GEMMs at each precision, the ratios to
# PyTorch stated (no target).
LIMIT_TARGET = {"toy": 0.85, "mnist": 0.75, "dcgan": 0.60}
LIMIT32_TARGET = {"toy": 0.75, "mnist": 0.75, "dcgan": 0.60}
TORCH64_TARGET = {"toy": 1.5, "mnist": 1.5}
TORCH32_TARGET = {"toy": 1.5, "mnist": 1.1}

MNIST_G = "100-128l-256b0.8l-512b0.8l-1024b0.8l-784t"
MNIST_D = "784-512l-256l-1"
# DCGAN on MNIST (`litgan train --nets dcgan`): 100 -> 128x7x7 -> 64x14x14 -> 1x28x28
DCGAN_G = "100-6272br-128x7x7-T64k4s2p1br-T1k4s2p1t"
DCGAN_D = "1x28x28-C64k4s2p1l-C128k4s2p1bl-1"


def case(kind, batch, width=128, threads=1):
    """A case: litgan's specs and data, and how PyTorch builds the same nets."""
    if kind == "toy":
        w = width
        return dict(kind=kind, batch=batch, width=w, threads=threads, data="uniform:dim=2",
                    g=f"2-{w}r-{w}r-2", d=f"2-{w}r-{w}r-1", z_dim=2, x_dim=2)
    g, d = (MNIST_G, MNIST_D) if kind == "mnist" else (DCGAN_G, DCGAN_D)
    return dict(kind=kind, batch=batch, width=0, threads=threads, data="uniform:dim=784",
                g=g, d=d, z_dim=100, x_dim=784)


def cases(quick):
    main = [case("toy", 256), case("mnist", 64), case("dcgan", 64)]
    if quick:
        return main
    sweep = [case("toy", b) for b in (64, 1024, 4096)] + [case("toy", 256, w) for w in (512, 2048)]
    two = [dict(c, threads=2) for c in main if c["kind"] != "dcgan"]
    return main + sweep + two


# ------------------------------------------------------------- PyTorch ---

def torch_nets(c):
    """G and D as litgan's specs say: Linear + activation, BatchNorm1d(n, 0.8) where
    the spec has b0.8 (the seed's eps quirk), tanh output for MNIST."""
    if c["kind"] == "toy":
        w = c["width"]
        g = nn.Sequential(nn.Linear(2, w), nn.ReLU(), nn.Linear(w, w), nn.ReLU(), nn.Linear(w, 2))
        d = nn.Sequential(nn.Linear(2, w), nn.ReLU(), nn.Linear(w, w), nn.ReLU(), nn.Linear(w, 1))
        return g, d
    if c["kind"] == "dcgan":
        # DCGAN_G: "6272br" Linear, BatchNorm1d (b: eps 1e-5, momentum 0.1), ReLU;
        # "128x7x7" a view; "T64k4s2p1br" ConvTranspose2d(k 4, s 2, p 1) 7 -> 14,
        # BatchNorm2d, ReLU; "T1k4s2p1t" 14 -> 28, Tanh. DCGAN_D: "C64k4s2p1l"
        # Conv2d 28 -> 14, LeakyReLU (l: slope 0.2); "C128k4s2p1bl" 14 -> 7,
        # BatchNorm2d, LeakyReLU; "1" flatten, Linear. Images travel as rows of
        # 784 as in litgan (NCHW): Flatten / Unflatten are views.
        g = nn.Sequential(nn.Linear(100, 6272), nn.BatchNorm1d(6272, 1e-5, 0.1), nn.ReLU(),
                          nn.Unflatten(1, (128, 7, 7)),
                          nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64, 1e-5, 0.1), nn.ReLU(),
                          nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh(), nn.Flatten())
        d = nn.Sequential(nn.Unflatten(1, (1, 28, 28)),
                          nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
                          nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128, 1e-5, 0.1), nn.LeakyReLU(0.2),
                          nn.Flatten(), nn.Linear(6272, 1))
        return g, d

    def block(i, o):
        return [nn.Linear(i, o), nn.BatchNorm1d(o, 0.8), nn.LeakyReLU(0.2)]
    g = nn.Sequential(nn.Linear(100, 128), nn.LeakyReLU(0.2), *block(128, 256),
                      *block(256, 512), *block(512, 1024), nn.Linear(1024, 784), nn.Tanh())
    d = nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256),
                      nn.LeakyReLU(0.2), nn.Linear(256, 1))
    return g, d


def torch_step(c, dtype):
    torch.manual_seed(1)
    g, d = torch_nets(c)
    g.to(dtype).train()
    d.to(dtype).train()
    batch, z_dim, x_dim = c["batch"], c["z_dim"], c["x_dim"]
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_params = list(d.parameters())

    def step():
        # D: minimise mean softplus(-D(x)) + mean softplus(D(G(z)))
        x = torch.rand(batch, x_dim, dtype=dtype) * 2 - 1
        z = torch.randn(batch, z_dim, dtype=dtype)
        with torch.no_grad():
            fake = g(z)
        loss_d = F.softplus(-d(x)).mean() + F.softplus(d(fake)).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # G (non-saturating): minimise mean softplus(-D(G(z))), fresh z, D frozen
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


class TorchBlock:
    """Timed blocks of one PyTorch step function, warmed up on creation."""

    def __init__(self, step):
        self.step = step
        t0, n = time.perf_counter(), 0
        while n < 3 or time.perf_counter() - t0 < 0.2:
            step()
            n += 1
        self.rate = n / (time.perf_counter() - t0)

    def run(self, seconds):
        n = max(1, int(seconds * self.rate + 0.5))
        t0 = time.perf_counter()
        for _ in range(n):
            self.step()
        self.rate = n / (time.perf_counter() - t0)
        return self.rate


def openblas_set_threads(n):
    """PyTorch's GEMMs go to the OpenBLAS it loaded: pin its threads too."""
    import ctypes
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "openblas" in line and line.split()[-1].startswith("/")}
    for path in libs:
        try:
            ctypes.CDLL(path).openblas_set_num_threads(n)
            return True
        except (OSError, AttributeError):
            continue
    return False


# ------------------------------------------------------------- litgan ---

class Refused(RuntimeError):
    """An answer other than ok: a run the engine cannot open, a failed step.
    answer: the server's line."""

    def __init__(self, message, answer):
        super().__init__(message)
        self.answer = answer


class Server:
    """build/bench --serve with N OpenBLAS threads: one request line, one answer."""

    def __init__(self, threads):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
        exe = os.path.join(BUILD, "bench")
        self.p = subprocess.Popen([exe, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, env=env)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        answer = self.p.stdout.readline().split()
        if not answer or answer[0] != "ok":
            text = " ".join(answer) or "no answer"
            raise Refused(f"build/bench --serve: {text} (to: {line})", text)
        return [float(v) for v in answer[1:]]

    def close(self):
        try:
            self.p.stdin.write("quit\n")
            self.p.stdin.close()
        except OSError:
            pass
        self.p.wait()


# -------------------------------------------------------------- report ---

def spread(values):
    """median [min-max]"""
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def pct_spread(values):
    """median [min-max] of fractions, in percent"""
    return f"{100 * statistics.median(values):.0f}% [{100 * min(values):.0f}-{100 * max(values):.0f}]"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def bench_case(c, server, rounds, seconds):
    spec = f"{c['g']} {c['d']} {c['batch']}"
    mine, minef, share, r32, r64, t32, t64 = [], [], [], [], [], [], []
    lim64, lim32, f64, f32 = [], [], [], []
    blocks = {}
    if torch is not None:
        blocks = {dt: TorchBlock(torch_step(c, dt)) for dt in (torch.float32, torch.float64)}
    server.ask(f"step {c['data']} {spec} {seconds} double")  # opens and warms up the run
    # The float run too, unless the engine has no float path for these nets
    # yet: then the float columns say "-" and the reason goes under the table.
    refused = None
    try:
        server.ask(f"step {c['data']} {spec} {seconds} float")
    except Refused as e:  # "error cannot open a run of G / D on DATA: WHY"
        refused = e.answer.split(f" on {c['data']}: ", 1)[-1]
        print(f"side_by_side: {name_of(c)}: litgan float not timed: {refused}", flush=True)
    # A round times each precision's three blocks back to back - litgan's
    # steps, the GEMM limit, PyTorch's steps - so that each ratio of the round
    # is taken between neighbouring blocks; the order of the precisions and of
    # the three blocks turns round every other round, so that a drift of the
    # load within a round favours neither side.
    for k in range(rounds):
        got = {}
        for prec in (("double", "float") if k % 2 == 0 else ("float", "double")):
            tdt = None if not blocks else torch.float64 if prec == "double" else torch.float32
            order = ("litgan", "limit", "torch") if k % 2 == 0 else ("torch", "limit", "litgan")
            for what in order:
                if what == "litgan":
                    if prec == "double" or refused is None:
                        got[prec] = server.ask(f"step {c['data']} {spec} {seconds} {prec}")[:2]
                elif what == "limit":
                    got[prec + " limit"] = server.ask(f"gemm {spec} {seconds} {prec} 1")[0]
                elif tdt is not None:
                    got[prec + " torch"] = blocks[tdt].run(seconds)
        rate, cpu = got["double"]
        mine.append(rate)
        share.append(cpu)
        lim64.append(got["double limit"])
        lim32.append(got["float limit"])
        f64.append(rate / lim64[-1])
        if refused is None:
            ratef, cpuf = got["float"]
            minef.append(ratef)
            share[-1] = min(cpu, cpuf)
            f32.append(ratef / lim32[-1])
        if blocks:
            t32.append(got["float torch"])
            t64.append(got["double torch"])
            r64.append(rate / t64[-1])
            if refused is None:
                r32.append(ratef / t32[-1])
    return dict(lim64=lim64, lim32=lim32, f64=f64, f32=f32, mine=mine, minef=minef, share=share, t32=t32, t64=t64, r32=r32,
                r64=r64, refused=refused)


def name_of(c):
    if c["kind"] == "toy":
        return f"toy 2-{c['width']}-{c['width']}, batch {c['batch']}"
    return f"MNIST {'DCGAN' if c['kind'] == 'dcgan' else 'MLP'}, batch {c['batch']}"


def verdicts_of(c, r):
    """The targets of one case on one thread, MET or NOT MET, and the ratios to
    PyTorch where the case has no target for them."""
    kind, out = c["kind"], []
    frac = statistics.median(r["f64"])
    want = LIMIT_TARGET[kind]
    out.append(f"target {kind}: litgan double >= {100 * want:.0f}% of the double GEMM limit: "
               f"{100 * frac:.0f}% {'MET' if frac >= want else 'NOT MET'}")
    want = LIMIT32_TARGET[kind]
    if r["minef"]:
        fracf = statistics.median(r["f32"])
        out.append(f"target {kind}: litgan float >= {100 * want:.0f}% of the float GEMM limit: "
                   f"{100 * fracf:.0f}% {'MET' if fracf >= want else 'NOT MET'}")
    else:
        out.append(f"target {kind}: litgan float >= {100 * want:.0f}% of the float GEMM limit: "
                   f"not measured (litgan float refused these nets: {r['refused']})")
    for prec, ratios, targets in (("double", r["r64"], TORCH64_TARGET), ("float", r["r32"], TORCH32_TARGET)):
        other = "PyTorch float64" if prec == "double" else "PyTorch float32"
        if not ratios:
            continue
        m = statistics.median(ratios)
        if kind in targets:
            out.append(f"target {kind}: litgan {prec} >= {targets[kind]:g}x {other}: "
                       f"{m:.2f}x {'MET' if m >= targets[kind] else 'NOT MET'}")
        else:
            out.append(f"{kind}: litgan {prec} / {other}: {spread(ratios)} (no target)")
    return out


def main(argv):
    quick, rounds, seconds, out = False, 7, 0.4, os.path.join(BUILD, "bench.md")
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--quick":
            quick = True
        elif a in ("--rounds", "--seconds", "--out") and i + 1 < len(argv):
            v = argv[i + 1]
            i += 1
            if a == "--rounds":
                rounds = int(v)
            elif a == "--seconds":
                seconds = float(v)
            else:
                out = v
        else:
            print(f"side_by_side: unknown argument {a} (usage: side_by_side.py [--quick] [--rounds R] "
                  "[--seconds S] [--out FILE])")
            return 2
        i += 1
    if not os.access(os.path.join(BUILD, "bench"), os.X_OK):
        print(f"side_by_side: no {BUILD}/bench: run make bench")
        return 2
    head = (f"{cpu_model()}; {rounds} rounds of {seconds:g} s blocks ({2 * rounds} for the cases with targets) "
            f"(for each precision litgan, GEMM limit, PyTorch back to back; the precisions and the blocks "
            f"in the opposite order every other round); "
            + (f"torch {torch.__version__}" if torch else "PyTorch not importable: litgan only"))
    print(head, flush=True)
    rows = ["| case | threads | litgan f64 steps/s | litgan f32 | PyTorch f64 | PyTorch f32 "
            "| litgan / PyTorch, f64 | litgan / PyTorch, f32 | GEMM limit f64 / f32 | litgan / limit, f64 / f32 |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    verdicts = []
    by_threads = {}
    for c in cases(quick):
        by_threads.setdefault(c["threads"], []).append(c)
    for threads, group in sorted(by_threads.items()):
        if torch is not None:
            torch.set_num_threads(threads)
            if not openblas_set_threads(threads):
                print("side_by_side: PyTorch's OpenBLAS not found: its BLAS threads are not pinned")
        server = Server(threads)
        try:
            for c in group:
                # the cases the targets are read from get twice the rounds: a
                # median of 14 per-round ratios wanders about 1.4 times less,
                # run to run, than one of 7 (a block's rate varies by 10-20 %
                # on this shared machine)
                judged = threads == 1 and c in cases(True)
                r = bench_case(c, server, 2 * rounds if judged else rounds, seconds)
                med = statistics.median(r["mine"])
                medf = statistics.median(r["minef"]) if r["minef"] else None
                frac = pct_spread(r["f64"])
                fracf = pct_spread(r["f32"]) if r["f32"] else "-"
                busy = " (busy)" if statistics.median(r["share"]) < 0.9 * threads else ""
                t32 = f"{statistics.median(r['t32']):.3g}" if r["t32"] else "-"
                t64 = f"{statistics.median(r['t64']):.3g}" if r["t64"] else "-"
                row = (f"| {name_of(c)} | {threads} | {med:.3g}{busy} | {f'{medf:.3g}' if medf else '-'} | "
                       f"{t64} | {t32} | "
                       f"{spread(r['r64']) if r['r64'] else '-'} | {spread(r['r32']) if r['r32'] else '-'} | "
                       f"{statistics.median(r['lim64']):.3g} / {statistics.median(r['lim32']):.3g} | "
                       f"{frac} / {fracf} |")
                rows.append(row)
                print(row, flush=True)
                if judged:
                    verdicts += verdicts_of(c, r)
        finally:
            server.close()
    for v in verdicts:
        print(v)
    try:
        with open(out, "w") as f:
            f.write(head + "\n\n" + "\n".join(rows) + "\n\n" + "\n".join(f"- {v}" for v in verdicts) + "\n")
        print(f"side_by_side: the table is in {out}")
    except OSError as e:
        print(f"side_by_side: cannot write {out} ({e})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
