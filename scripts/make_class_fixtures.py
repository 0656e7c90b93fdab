#!/usr/bin/python3
"""Golden PyTorch fixtures for the class-scoring losses of contrast4j: full softmax, NCE, negative sampling and
sampled softmax over a class table.

Regenerate (from the repository root, with Debian's python3-torch, not a pyenv python):

    /usr/bin/python3 scripts/make_class_fixtures.py

It rewrites core/src/test/resources/fixtures-class/*.json (one file per case; every existing .json there is removed
first) and is deterministic. ClassFixturesTest reads them. The contrastive-loss fixtures (scripts/make_fixtures.py,
fixtures/) are separate and untouched; this script only borrows that script's JSON layout and error measures.

Every loss is written here in torch straight from its formula, not ported from the Java code. Inputs are drawn as
float32 (seeded), so the Java side sees exactly the same numbers; the noise q and the expected counts are float64
(the Java side takes them as double). Each loss is computed in float64 and differentiated with torch.autograd.grad
with respect to the queries H (B×D), the whole class table W (V×D, dense: rows no sample touches must come out 0),
the class bias b (V, when present) and the log-normaliser log Z (NCE, when learnable).

  scores      s = H @ W.T + b                                   (B×V)
  softmax     ℓ_i = logsumexp_c s_ic − s_{i,t_i}
  nce         Δ(c) = s_ic − log Z − log E(c);  ℓ_i = −log σ(Δ(t_i)) − Σ_j log σ(−Δ(c_ij))        (Gutmann 2010)
  neg         the same with log Z = 0 and no log E(c)                                           (Mikolov 2013)
  sampled     z = [s_{i,t_i} − log E(t_i), s_{i,c_ij} − log E(c_ij)]; ℓ_i = logsumexp z − z_0   (Jean 2015)
  E(c)        the case's expected counts when it gives them (one per target, one per sampled id, as TF's
              true_expected_count / sampled_expected_count), else k·q(c)
  accidental hits (c_ij = t_i) are dropped from the sum (nce, neg) or set to −inf (sampled) when
  remove_accidental_hits is on.
  reductions  mean over the B queries, sum, none (value = sum, gradients of the sum).

Each fixture: name, loss (CLI name), config, inputs {queries, classes, class_bias: {shape, data}, targets, samples
{shape: [k] shared or [B, k] paired, data}, noise, expected_counts {targets (B), samples (like samples.data)}},
expected {value, per_row, gradients {queries, classes, class_bias}, scalar_gradients {log_normaliser}, terms {data,
noise}, touched_ids (sorted targets ∪ samples; all ids for softmax), accidental_hits (how many sampled entries equal
their row's target)}, float32_check, generator.
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import serialise, scalar_err, array_err, r  # noqa: E402  (same layout and error measures)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "core", "src", "test", "resources", "fixtures-class")

DEFAULTS = {
    "softmax": dict(reduction="mean"),
    "nce": dict(reduction="mean", remove_accidental_hits=False, log_normaliser=0.0, learnable_log_normaliser=False),
    "neg": dict(reduction="mean", remove_accidental_hits=False),
    "sampled-softmax": dict(reduction="mean", remove_accidental_hits=True),
}


def reduce(per_row, reduction):
    if reduction == "mean":
        return per_row.mean()
    if reduction in ("sum", "none"):
        return per_row.sum()
    raise ValueError(reduction)


def sample_matrix(t):
    """The B×k sampled ids (shared ids repeated on every row)."""
    s = torch.tensor(t["samples"]["data"], dtype=torch.long)
    b = len(t["targets"])
    if len(t["samples"]["shape"]) == 1:
        return s[None, :].expand(b, -1)
    return s.reshape(b, -1)


def expected_counts(t, tgt, smp, dtype):
    """E of every target (B) and every sampled id (B×k): the case's per-position counts, else k·q(c)."""
    b, k = smp.shape
    if "expected_counts" in t:
        e = t["expected_counts"]
        e_s = torch.tensor(e["samples"], dtype=dtype)
        e_s = e_s[None, :].expand(b, -1) if len(t["samples"]["shape"]) == 1 else e_s.reshape(b, k)
        return torch.tensor(e["targets"], dtype=dtype), e_s
    q = torch.tensor(t["noise"], dtype=dtype)
    return k * q[tgt], k * q[smp]


def scores(x):
    s = x["queries"] @ x["classes"].T
    if "class_bias" in x:
        s = s + x["class_bias"][None, :]
    return s


def softmax_loss(x, t, cfg, log_z):
    s = scores(x)
    tgt = torch.tensor(t["targets"])
    per_row = torch.logsumexp(s, dim=1) - s[torch.arange(s.shape[0]), tgt]
    return per_row, {}


def binary_loss(x, t, cfg, log_z, correct):
    s = scores(x)
    tgt = torch.tensor(t["targets"])
    smp = sample_matrix(t)
    b, k = smp.shape
    rows = torch.arange(b)
    s_t = s[rows, tgt]
    s_c = torch.gather(s, 1, smp)
    if correct:
        e_t, e_c = expected_counts(t, tgt, smp, s.dtype)
        d_t = s_t - log_z - torch.log(e_t)
        d_c = s_c - log_z - torch.log(e_c)
    else:
        d_t = s_t
        d_c = s_c
    keep = torch.ones(b, k, dtype=torch.bool)
    if cfg["remove_accidental_hits"]:
        keep = smp != tgt[:, None]
    data = -F.logsigmoid(d_t)
    noise = torch.where(keep, -F.logsigmoid(-d_c), torch.zeros_like(d_c)).sum(1)
    red = cfg["reduction"]
    return data + noise, {"data": reduce(data, red), "noise": reduce(noise, red)}


def sampled_softmax_loss(x, t, cfg, log_z):
    s = scores(x)
    tgt = torch.tensor(t["targets"])
    smp = sample_matrix(t)
    b, k = smp.shape
    e_t, e_c = expected_counts(t, tgt, smp, s.dtype)
    z_t = s[torch.arange(b), tgt] - torch.log(e_t)
    z_c = torch.gather(s, 1, smp) - torch.log(e_c)
    if cfg["remove_accidental_hits"]:
        z_c = torch.where(smp == tgt[:, None], torch.tensor(-math.inf, dtype=s.dtype), z_c)
    z = torch.cat([z_t[:, None], z_c], dim=1)
    per_row = torch.logsumexp(z, dim=1) - z_t
    return per_row, {}


LOSSES = {
    "softmax": softmax_loss,
    "nce": lambda x, t, cfg, lz: binary_loss(x, t, cfg, lz, True),
    "neg": lambda x, t, cfg, lz: binary_loss(x, t, cfg, lz, False),
    "sampled-softmax": sampled_softmax_loss,
}

TENSOR_KEYS = ("queries", "classes", "class_bias")


def evaluate(loss, cfg, inputs, dtype):
    x = {k: inputs[k].to(dtype).clone().requires_grad_(True) for k in TENSOR_KEYS if k in inputs}
    learnable = bool(cfg.get("learnable_log_normaliser", False))
    log_z = torch.tensor(cfg.get("log_normaliser", 0.0), dtype=dtype, requires_grad=learnable)
    per_row, terms = LOSSES[loss](x, inputs, cfg, log_z)
    value = reduce(per_row, cfg["reduction"])
    leaves = list(x.items())
    wrt = [v for _, v in leaves] + ([log_z] if learnable else [])
    grads = torch.autograd.grad(value, wrt)
    return {
        "value": float(value),
        "per_row": per_row.detach().double().tolist(),
        "gradients": {k: grads[i].detach().double() for i, (k, _) in enumerate(leaves)},
        "scalar_gradients": {"log_normaliser": float(grads[-1])} if learnable else {},
        "terms": {k: float(v) for k, v in terms.items()},
    }


# ---------------------------------------------------------------------------------------------------------- inputs

def unigram(v, seed, alpha=0.75):
    """A word2vec-style noise: Zipf-like counts to the power α, normalised (float64, every class > 0)."""
    rng = np.random.default_rng(seed)
    counts = (1000.0 / np.arange(1, v + 1)) * rng.uniform(0.5, 1.5, v)
    p = counts ** alpha
    return (p / p.sum()).tolist()


def gen(seed, b, d, v, k=0, shared=False, bias=False, scale=1.0, hits=0, counts=None, alpha=0.75):
    """float32 queries, classes and bias (Gaussian), targets and samples (sampled from q with replacement; `hits`
    sampled entries then overwritten with their row's target to plant accidental hits), float64 noise q and, when
    counts = tries, unique-sampling expected counts 1 − (1 − q)^tries per position, tries + i for row i of paired
    samples (each row its own draw), tries for shared ones."""
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    out = {
        "queries": torch.randn(b, d, generator=g, dtype=torch.float32) * scale,
        "classes": torch.randn(v, d, generator=g, dtype=torch.float32) * scale,
    }
    if bias:
        out["class_bias"] = 0.5 * torch.randn(v, generator=g, dtype=torch.float32)
    q = unigram(v, seed, alpha)
    out["noise"] = q
    out["targets"] = [int(c) for c in rng.choice(v, size=b, p=q)]
    if k:
        n = k if shared else b * k
        ids = [int(c) for c in rng.choice(v, size=n, p=q)]
        targets = out["targets"]
        # no hits unless planted: move an id that equals a target to the next class
        clash = (lambda p, c: c in targets) if shared else (lambda p, c: c == targets[p // k])
        for p in range(n):
            while clash(p, ids[p]):
                ids[p] = (ids[p] + 1) % v
        for h in range(hits):
            p = (h * 7 + 1) % n
            ids[p] = targets[h % b] if shared else targets[p // k]
        out["samples"] = {"shape": [k] if shared else [b, k], "data": ids}
    if counts is not None:
        def e(c, tries):
            return -math.expm1(tries * math.log1p(-q[c]))
        ids = out["samples"]["data"]
        row_tries = [counts if shared else counts + i for i in range(b)]
        out["expected_counts"] = {
            "targets": [e(c, row_tries[i]) for i, c in enumerate(out["targets"])],
            "samples": [e(c, counts if shared else row_tries[p // k]) for p, c in enumerate(ids)],
        }
    return out


CASES = []


def case(name, loss, inputs, **cfg):
    full = dict(DEFAULTS[loss])
    for key in cfg:
        if key not in full:
            raise ValueError(f"{name}: unknown option {key} for {loss}")
    full.update(cfg)
    CASES.append((name, loss, full, inputs))


def build_cases():
    # ---------------------------------------------------------------- full softmax
    case("softmax_mean", "softmax", gen(11, 5, 4, 9))
    case("softmax_bias_sum", "softmax", gen(12, 6, 5, 12, bias=True), reduction="sum")
    case("softmax_bias_none", "softmax", gen(13, 4, 3, 7, bias=True), reduction="none")
    case("softmax_larger", "softmax", gen(14, 8, 16, 50, bias=True, scale=0.5))
    case("softmax_large_scores", "softmax", gen(15, 5, 6, 10, scale=3.0))
    # ---------------------------------------------------------------- NCE
    case("nce_shared_k1", "nce", gen(21, 5, 4, 10, k=1, shared=True))
    case("nce_shared_k5_bias", "nce", gen(22, 6, 5, 12, k=5, shared=True, bias=True))
    case("nce_paired_k4_learnable", "nce", gen(23, 5, 4, 10, k=4, bias=True), learnable_log_normaliser=True,
         log_normaliser=0.5)
    case("nce_paired_hits_removed", "nce", gen(24, 6, 4, 8, k=3, hits=4), remove_accidental_hits=True)
    case("nce_shared_hits_kept_sum", "nce", gen(25, 5, 5, 9, k=4, shared=True, hits=2), reduction="sum")
    case("nce_paired_counts_none", "nce", gen(26, 4, 4, 10, k=3, bias=True, counts=7), reduction="none",
         learnable_log_normaliser=True)
    case("nce_paired_k1_hits_removed_learnable", "nce", gen(27, 6, 3, 7, k=1, hits=2), remove_accidental_hits=True,
         learnable_log_normaliser=True, log_normaliser=-1.0)
    case("nce_shared_counts_unique", "nce", gen(29, 5, 4, 12, k=4, shared=True, counts=9))
    case("nce_shared_k10_larger", "nce", gen(28, 8, 16, 40, k=10, shared=True, bias=True, scale=0.5, hits=1),
         remove_accidental_hits=True)
    # ---------------------------------------------------------------- negative sampling
    case("neg_shared_k1", "neg", gen(31, 5, 4, 10, k=1, shared=True))
    case("neg_paired_k6_bias_sum", "neg", gen(32, 5, 4, 12, k=6, bias=True), reduction="sum")
    case("neg_paired_hits_removed", "neg", gen(33, 6, 5, 8, k=3, hits=3), remove_accidental_hits=True)
    case("neg_shared_hits_kept_none", "neg", gen(34, 4, 4, 9, k=5, shared=True, bias=True, hits=2),
         reduction="none")
    # ---------------------------------------------------------------- sampled softmax
    case("sampled_softmax_shared_k5", "sampled-softmax", gen(41, 6, 5, 12, k=5, shared=True, hits=2))
    case("sampled_softmax_shared_hits_kept", "sampled-softmax", gen(42, 5, 4, 10, k=4, shared=True, hits=2),
         remove_accidental_hits=False)
    case("sampled_softmax_paired_k1", "sampled-softmax", gen(43, 5, 4, 10, k=1, bias=True))
    case("sampled_softmax_paired_counts", "sampled-softmax", gen(44, 6, 4, 15, k=8, counts=12, hits=3))
    case("sampled_softmax_bias_none_sum_hits_kept", "sampled-softmax",
         gen(45, 4, 4, 9, k=3, bias=True, hits=2), reduction="sum", remove_accidental_hits=False)
    case("sampled_softmax_bias_none", "sampled-softmax", gen(46, 5, 3, 8, k=3, shared=True, bias=True, hits=1),
         reduction="none")
    # a row whose only sample is its target: left with the target alone, ℓ = 0
    all_hits = gen(47, 4, 4, 8, k=1, bias=True)
    all_hits["samples"]["data"][2] = all_hits["targets"][2]
    case("sampled_softmax_row_all_hits", "sampled-softmax", all_hits)


def count_hits(t):
    if "samples" not in t:
        return 0
    tgt = torch.tensor(t["targets"])
    return int((sample_matrix(t) == tgt[:, None]).sum())


def main():
    torch.use_deterministic_algorithms(True)
    build_cases()
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".json"):
            os.remove(os.path.join(OUT, f))
    names = set()
    total = 0
    worst = []
    for name, loss, cfg, inputs in CASES:
        if name in names:
            raise ValueError("duplicate fixture " + name)
        names.add(name)
        if loss != "softmax" and "samples" not in inputs:
            raise ValueError(name + ": a sampled loss needs samples")
        exp = evaluate(loss, cfg, inputs, torch.float64)
        got32 = evaluate(loss, cfg, inputs, torch.float32)
        if not math.isfinite(exp["value"]):
            raise AssertionError(name + ": non-finite value")
        for k, g in exp["gradients"].items():
            if not bool(torch.isfinite(g).all()):
                raise AssertionError(f"{name}: non-finite gradient for {k}")
        v = inputs["classes"].shape[0]
        ids = list(range(v)) if loss == "softmax" else sorted(set(inputs["targets"]) | set(inputs["samples"]["data"]))
        # the dense class gradient must vanish off the touched rows (a property of the formulas, checked here too)
        off = [c for c in range(v) if c not in set(ids)]
        if off and float(exp["gradients"]["classes"][off].abs().max()) != 0.0:
            raise AssertionError(name + ": torch gives a gradient to an untouched class row")
        f32 = {"value": scalar_err(got32["value"], exp["value"]),
               "per_row": scalar_err(got32["per_row"], exp["per_row"]),
               "gradients": max(array_err(got32["gradients"][k].numpy(), exp["gradients"][k].numpy())
                                for k in exp["gradients"]),
               "scalar_gradients": max([scalar_err(got32["scalar_gradients"][k], val)
                                        for k, val in exp["scalar_gradients"].items()] + [0.0])}
        worst.append((max(f32["gradients"], f32["scalar_gradients"]), max(f32["value"], f32["per_row"]), name))
        fin = {}
        for k in TENSOR_KEYS:
            if k in inputs:
                x = inputs[k]
                fin[k] = {"shape": list(x.shape), "data": [float(a) for a in x.reshape(-1).tolist()]}
        fin["targets"] = list(inputs["targets"])
        if "samples" in inputs:
            fin["samples"] = inputs["samples"]
        fin["noise"] = inputs["noise"]
        if "expected_counts" in inputs:
            fin["expected_counts"] = inputs["expected_counts"]
        doc = {
            "name": name,
            "loss": loss,
            "config": dict(cfg),
            "inputs": fin,
            "expected": {
                "value": r(exp["value"]),
                "per_row": [r(a) for a in exp["per_row"]],
                "gradients": {k: [r(a) for a in g.reshape(-1).tolist()] for k, g in exp["gradients"].items()},
                "scalar_gradients": {k: r(a) for k, a in exp["scalar_gradients"].items()},
                "terms": {k: r(a) for k, a in exp["terms"].items()},
                "touched_ids": ids,
                "accidental_hits": count_hits(inputs),
            },
            "float32_check": {k: float(f"{a:.3g}") for k, a in f32.items()},
            "generator": {"script": "scripts/make_class_fixtures.py", "torch": torch.__version__,
                          "numpy": np.__version__, "dtype": "float64 from float32 inputs, float64 noise"},
        }
        text = serialise(doc)
        total += len(text.encode())
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as fh:
            fh.write(text)
    worst.sort(reverse=True)
    print(f"{len(CASES)} fixtures, {total / 1024:.1f} KiB in {os.path.relpath(OUT, ROOT)}")
    print("largest float32-vs-float64 torch disagreement (gradients, value):")
    for g, val, n in worst[:4]:
        print(f"  {n}: gradients {g:.2e}, value {val:.2e}")
    print("losses covered:", ", ".join(sorted({loss for _, loss, _, _ in CASES})))
    hits = [n for n, _, _, t in CASES if count_hits(t)]
    print(f"cases with accidental hits: {len(hits)}")


if __name__ == "__main__":
    sys.exit(main())
