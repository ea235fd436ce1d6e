#!/usr/bin/env python3
"""The PyTorch peer of eqprop's batch engine: the same algorithm, written the way a careful PyTorch user would.

Vector-field Equilibrium Propagation (docs/algorithm.md) on a layered network with independent forward and feedback
weights, hard sigmoid, the VF dynamics mu = W rho(s) + b - s, projected Euler steps s <- clip(s + dt mu, 0, 1) in
lockstep (every layer reads the others' states of the previous step), a free phase of T1 steps from s = 0, a
nudged phase of T2 steps from the free fixed point with beta (y - s) on the output, and the VF rule
dW = lr rho(s_pre^0)^T (s_post^beta - s_post^0) / (beta B), db = lr sum(s^beta - s^0) / (beta B). float32 throughout.

Its best settings: torch.inference_mode, every tensor allocated once, products written in place (addmm out=), the
Euler step as one lerp (s + dt (u - s)) and a clamp, the input's drive computed once per minibatch (the input and
the weights do not change before the update), as many threads as the run asks for (BLAS and intra-op), set before
torch is imported.

Modes (each prints one JSON object on stdout):
  bench  --layers 784,500,10 --T1 20 --T2 4 --batch 20 --threads 1 --seconds 3   samples per second
  epoch  --data /usr/share/datasets/fashion-mnist ...                            seconds for one training epoch
  check  --input in.npz --output out.npz                                         the weights after one minibatch
"""
import argparse
import gzip
import json
import os
import sys
import time


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["bench", "epoch", "check"])
    parser.add_argument("--layers", default="784,500,10")
    parser.add_argument("--T1", type=int, default=20)
    parser.add_argument("--T2", type=int, default=4)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--dt", type=float, default=0.5)
    parser.add_argument("--beta", type=float, default=0.5)
    parser.add_argument("--lrs", default=None, help="one learning rate per layer pair (bench: 0.01 each, epoch: 0.1,0.05)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0, help="bench: measuring time after warm-up")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist", help="epoch: folder of the IDX .gz files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--input", help="check: npz with x, y, Wff<l>, Wfb<l>, b<l>, T1, T2, dt, beta, lrs")
    parser.add_argument("--output", help="check: npz to write the updated Wff<l>, Wfb<l>, b<l> to")
    return parser.parse_args()


ARGUMENTS = parse_arguments()
# BLAS and OpenMP read their thread counts when torch loads them: set them before the import.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(ARGUMENTS.threads)

import torch  # noqa: E402  (after the thread variables, on purpose)

torch.set_num_threads(ARGUMENTS.threads)


class VfepNetwork:
    """Weights as eqprop's ParameterSet holds them: Wff[l] is [n_{l-1} x n_l], Wfb[l] is [n_{l+1} x n_l], b[l] is [n_l]."""

    def __init__(self, sizes, forward, feedback, bias, learning_rates, rows):
        self.sizes = sizes
        self.top = len(sizes) - 1
        self.forward, self.feedback, self.bias = forward, feedback, bias
        self.learning_rates = learning_rates
        self.rows = rows
        empty = lambda n: torch.zeros(rows, n, dtype=torch.float32)
        # States of the current and the next step (lockstep: every layer reads the previous step's states).
        self.states = [None] + [empty(n) for n in sizes[1:]]
        self.next_states = [None] + [empty(n) for n in sizes[1:]]
        self.free_states = [None] + [empty(n) for n in sizes[1:]]
        self.input_drive = empty(sizes[1])
        self.drive = [None] + [empty(n) for n in sizes[1:]]
        self.pull = empty(sizes[-1])
        self.displacement = [None] + [empty(n) for n in sizes[1:]]

    def train_minibatch(self, x, y, t1, t2, dt, beta):
        # The input (rho(x) = x for the hard sigmoid, x in [0, 1]) and the weights are fixed until the update.
        torch.addmm(self.bias[1], x, self.forward[1], out=self.input_drive)
        for s in self.states[1:]:
            s.zero_()
        self.relax(t1, dt, 0.0, y)
        for free, s in zip(self.free_states[1:], self.states[1:]):
            free.copy_(s)
        self.relax(t2, dt, beta, y)
        self.update(x, beta)

    def relax(self, steps, dt, beta, y):
        for _ in range(steps):
            for l in range(1, self.top + 1):
                drive = self.drive[l]
                # u = b + rho(s_below) Wff + rho(s_above) Wfb; the first layer starts from the input's drive.
                if l == 1:
                    if l < self.top:
                        torch.addmm(self.input_drive, self.states[l + 1], self.feedback[l], out=drive)
                    else:
                        drive.copy_(self.input_drive)
                else:
                    torch.addmm(self.bias[l], self.states[l - 1], self.forward[l], out=drive)
                    if l < self.top:
                        drive.addmm_(self.states[l + 1], self.feedback[l])
                if l == self.top and beta != 0.0:
                    # The nudge beta (y - s) joins the drive: s + dt (u + beta (y - s) - s) is then one lerp.
                    torch.sub(y, self.states[l], out=self.pull)
                    drive.add_(self.pull, alpha=beta)
                # s + dt (u - s) in one pass (lerp), then the projection onto [0, 1].
                torch.lerp(self.states[l], drive, dt, out=self.next_states[l]).clamp_(0.0, 1.0)
            self.states, self.next_states = self.next_states, self.states

    def update(self, x, beta):
        scale = 1.0 / (beta * self.rows)
        for l in range(1, self.top + 1):
            torch.sub(self.states[l], self.free_states[l], out=self.displacement[l])
        for l in range(1, self.top + 1):
            below = x if l == 1 else self.free_states[l - 1]
            rate = self.learning_rates[l - 1] * scale
            # Synapses into layer l from below learn at pair l's rate, from above at pair l+1's; biases at pair l's.
            self.forward[l].addmm_(below.t(), self.displacement[l], alpha=rate)
            if l < self.top:
                self.feedback[l].addmm_(self.free_states[l + 1].t(), self.displacement[l], alpha=self.learning_rates[l] * scale)
            self.bias[l].add_(self.displacement[l].sum(0), alpha=rate)


def glorot(fan_in, fan_out, generator):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return (torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * limit


def random_network(sizes, learning_rates, rows, seed):
    generator = torch.Generator().manual_seed(seed)
    top = len(sizes) - 1
    forward = [None] + [glorot(sizes[l - 1], sizes[l], generator) for l in range(1, top + 1)]
    feedback = [None] + [glorot(sizes[l + 1], sizes[l], generator) for l in range(1, top)] + [None]
    bias = [None] + [torch.zeros(n) for n in sizes[1:]]
    return VfepNetwork(sizes, forward, feedback, bias, learning_rates, rows)


def one_hot(labels, classes):
    targets = torch.zeros(len(labels), classes)
    targets[torch.arange(len(labels)), labels] = 1.0
    return targets


def learning_rates_for(sizes, default):
    rates = [float(v) for v in ARGUMENTS.lrs.split(",")] if ARGUMENTS.lrs else default
    if len(rates) != len(sizes) - 1:
        sys.exit(f"--lrs needs one rate per layer pair ({len(sizes) - 1}), got {len(rates)}")
    return rates


def bench(sizes):
    a = ARGUMENTS
    network = random_network(sizes, learning_rates_for(sizes, [0.01] * (len(sizes) - 1)), a.batch, a.seed)
    generator = torch.Generator().manual_seed(a.seed)
    x = torch.rand(a.batch, sizes[0], generator=generator)
    y = one_hot(torch.arange(a.batch) % sizes[-1], sizes[-1])
    warm_up = time.perf_counter()
    while time.perf_counter() - warm_up < max(0.5, a.seconds / 4):
        network.train_minibatch(x, y, a.T1, a.T2, a.dt, a.beta)
    batches, start = 0, time.perf_counter()
    while time.perf_counter() - start < a.seconds:
        network.train_minibatch(x, y, a.T1, a.T2, a.dt, a.beta)
        batches += 1
    elapsed = time.perf_counter() - start
    return {"samples_per_second": batches * a.batch / elapsed, "minibatches": batches, "seconds": elapsed}


def read_idx(path):
    import numpy
    with gzip.open(path, "rb") as file:
        data = file.read()
    dimensions = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dimensions)]
    return numpy.frombuffer(data, dtype=numpy.uint8, offset=4 + 4 * dimensions).reshape(shape)


def epoch(sizes):
    a = ARGUMENTS
    images = read_idx(os.path.join(a.data, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz"))
    x_all = torch.from_numpy(images.reshape(len(images), -1).astype("float32") / 255.0)
    y_all = one_hot(torch.from_numpy(labels.astype("int64")), sizes[-1])
    network = random_network(sizes, learning_rates_for(sizes, [0.1, 0.05] if len(sizes) == 3 else [0.01] * (len(sizes) - 1)),
                             a.batch, a.seed)
    order = torch.randperm(len(x_all), generator=torch.Generator().manual_seed(a.seed))
    x_batch, y_batch = torch.empty(a.batch, sizes[0]), torch.empty(a.batch, sizes[-1])
    count = len(x_all) // a.batch * a.batch  # whole minibatches (60,000 / 20 or 100: all of them)
    start = time.perf_counter()
    for first in range(0, count, a.batch):
        rows = order[first:first + a.batch]
        torch.index_select(x_all, 0, rows, out=x_batch)
        torch.index_select(y_all, 0, rows, out=y_batch)
        network.train_minibatch(x_batch, y_batch, a.T1, a.T2, a.dt, a.beta)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "samples": count, "samples_per_second": count / elapsed}


def check():
    import numpy
    stored = numpy.load(ARGUMENTS.input)
    x, y = torch.from_numpy(stored["x"]), torch.from_numpy(stored["y"])
    sizes = [x.shape[1]] + [len(stored[f"b{l}"]) for l in range(1, 100) if f"b{l}" in stored]
    top = len(sizes) - 1
    forward = [None] + [torch.from_numpy(stored[f"Wff{l}"].copy()) for l in range(1, top + 1)]
    feedback = [None] + [torch.from_numpy(stored[f"Wfb{l}"].copy()) for l in range(1, top)] + [None]
    bias = [None] + [torch.from_numpy(stored[f"b{l}"].reshape(-1).copy()) for l in range(1, top + 1)]
    network = VfepNetwork(sizes, forward, feedback, bias, [float(v) for v in stored["lrs"]], x.shape[0])
    network.train_minibatch(x, y, int(stored["T1"]), int(stored["T2"]), float(stored["dt"]), float(stored["beta"]))
    arrays = {f"Wff{l}": forward[l].numpy() for l in range(1, top + 1)}
    arrays.update({f"Wfb{l}": feedback[l].numpy() for l in range(1, top)})
    arrays.update({f"b{l}": bias[l].numpy() for l in range(1, top + 1)})
    numpy.savez(ARGUMENTS.output, **arrays)
    return {"written": ARGUMENTS.output}


def main():
    sizes = [int(v) for v in ARGUMENTS.layers.split(",")]
    with torch.inference_mode():
        result = {"bench": lambda: bench(sizes), "epoch": lambda: epoch(sizes), "check": check}[ARGUMENTS.mode]()
    result.update({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_name()})
    print(json.dumps(result))


def blas_name():
    """Which BLAS library this process loaded (Debian's torch links the libblas.so.3 the alternatives system names)."""
    try:
        with open("/proc/self/maps") as maps:
            loaded = maps.read().lower()
    except OSError:
        return "unknown"
    for library in ("openblas", "mkl", "blis", "atlas", "libblas"):
        if library in loaded:
            return library
    return "unknown"


if __name__ == "__main__":
    main()
