#!/usr/bin/python3
"""Golden PyTorch fixtures for every contrast4j loss and option.

Regenerate (from the repository root, with Debian's python3-torch, not a pyenv python):

    /usr/bin/python3 scripts/make_fixtures.py

It rewrites core/src/test/resources/fixtures/*.json (one file per case; every existing .json there is removed first)
and is deterministic: the same torch version gives byte-identical files. Each file records the torch version.

Every loss is written here in torch straight from its formula (van den Oord 2018; Chen 2020; Khosla 2020; Zhai 2023;
Yeh 2022; Hadsell 2006; triplet; Wang & Isola 2020), not ported from the Java code. Inputs are drawn as float32 (seeded), so the Java
side sees exactly the same numbers, then the loss is computed in float64 and differentiated with
torch.autograd.grad with respect to every raw input (anchors, positives, negatives) and every learnable scalar
(log τ, bias).

Each fixture is a JSON object:
  name, loss (CLI loss name), config (every option; for the CLIP preset also "overrides", the options set on top of
  InfoNce.clip()), inputs {anchors, positives, negatives: {shape, data (flat, row-major, exact float32 values)},
  negatives_kind "shared"|"paired", labels, negative_labels (labels of the shared negatives, e.g. a MoCo queue)},
  expected {value, per_row, skipped_rows, gradients {input: flat}, scalar_gradients {log_temperature, bias}, terms},
  float32_check, hinges (margin and triplet: how many hinges are active), generator {script, torch, numpy}.

float32_check: how far the same torch computation run entirely in float32 lands from the float64 answer, measured
as PyTorchFixturesTest measures (numbers |x − t|/max(1, |t|); gradients row-relative). It documents what float32
costs on that case, not the bar: at τ = 1e-3 the logits are 1000× the similarities, so the float32 rounding of a
similarity (~6e-8) becomes ~6e-5 in every logit and a plain float32 computation is off by 1e-4 to 1e-2 in the
temperature gradient (ntxent_tau_1e-3_near: 8.8e-3); it also loses 1 − p of a nearly solved softmax row
(infonce_clamp_active_fixed_dot, clip_preset_none_labels: ~1e-2 on rows whose gradient is 1e-4 of the others).
contrast4j keeps float32 data but accumulates in double and stays within 1e-4 (1e-3 at τ = 1e-3) on all of them.

Conventions: sim = cosine (F.normalize(x, dim=-1, eps=1e-12), then dot) or dot; logits s = sim·scale, scale =
exp(−log τ), clamped at max_logit_scale when one is set (open_clip's logit_scale.clamp(max=100): the gradient with
respect to log τ is then 0). Reductions: mean (over non-skipped rows), sum, none (value = sum, gradients of the sum).
Distances are torch.sqrt(((x − y)**2).sum(-1)); the script refuses a fixture where a distance is 0 or a hinge sits
within 1e-6 of its kink.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "core", "src", "test", "resources", "fixtures")
INF = float("inf")


# ----------------------------------------------------------------------------------------------------------- helpers

def prep(x, sim):
    if sim == "cosine":
        return F.normalize(x, dim=-1, eps=1e-12)
    if sim == "dot":
        return x
    raise ValueError(sim)


def logit_scale(log_tau, max_scale):
    s = torch.exp(-log_tau)
    if max_scale is not None and math.isfinite(max_scale):
        s = torch.clamp(s, max=max_scale)
    return s


def reduce(per_row, reduction, valid=None):
    if valid is None:
        valid = torch.ones_like(per_row, dtype=torch.bool)
    total = torch.where(valid, per_row, torch.zeros_like(per_row)).sum()
    if reduction == "mean":
        return total / valid.sum()
    if reduction in ("sum", "none"):
        return total
    raise ValueError(reduction)


def dist(x, y):
    """Euclidean distance between the last dimension of broadcast x and y."""
    return torch.sqrt(((x - y) ** 2).sum(-1))


def check_dist(d, what):
    m = float(d.detach().min())
    if not m > 1e-6:
        raise AssertionError(f"{what}: a distance is {m}; the gradient is undefined at 0")


def check_hinge(arg, what):
    m = float(arg.detach().abs().min())
    if not m > 1e-6:
        raise AssertionError(f"{what}: a hinge argument is {m}, too close to the kink")


def neg_candidates(q, neg, kind, n, m):
    """q: N×D prepared; returns the N×M similarities of each row with its explicit negatives."""
    if neg is None:
        return None
    if kind == "shared":
        return q @ neg.T
    return torch.einsum("nd,nmd->nm", q, neg.reshape(n, m, -1))


# --------------------------------------------------------------------------------------------------------- the losses

def infonce(t, cfg, params):
    """ℓ_i = −s(a_i,p_i) + log Σ_c e^{s(a_i,c)}, c over every in-batch p_j (same-label j≠i removed) and the explicit
    negatives (shared negatives with anchor i's label removed when they carry labels); symmetric: per row
    ½(ℓ^{a→p} + ℓ^{p→a}), the reverse direction over in-batch candidates only.

    Guide (GISTEmbed, Solatorio 2024): G = cos(ga, gp); forward row i also drops p_j (j≠i) when G_ij > G_ii − m,
    reverse row j drops a_i (i≠j) when G_ij > G_jj − m; a row (direction) left with no negative is skipped: loss 0,
    left out of that direction's mean, counted once per direction. logQ (Yi et al. 2019): every logit of in-batch
    column j (the positive too) minus log_q[j], of shared negative m minus negative_log_q[m]; one-way only."""
    a, p, neg = t["anchors"], t["positives"], t.get("negatives")
    n = a.shape[0]
    sim = cfg["similarity"]
    scale = logit_scale(params["log_temperature"], cfg["max_logit_scale"])
    qa, kp = prep(a, sim), prep(p, sim)
    qn = prep(neg, sim) if neg is not None else None
    eye = torch.eye(n, dtype=torch.bool)
    labels = t.get("labels")
    if labels is not None:
        lab = torch.tensor(labels)
        removed = (lab[:, None] == lab[None, :]) & ~eye
    else:
        removed = torch.zeros(n, n, dtype=torch.bool)
    removed_rev = removed.clone()
    if t.get("guide_anchors") is not None:
        ga = F.normalize(t["guide_anchors"].double(), dim=-1, eps=1e-12)
        gp = F.normalize(t["guide_positives"].double(), dim=-1, eps=1e-12)
        g = ga @ gp.T
        m = cfg["guide_margin"]
        gap = (g - (g.diagonal() - m)[:, None]).abs() + eye.double()
        gap_r = (g.T - (g.diagonal() - m)[:, None]).abs() + eye.double()
        if float(torch.minimum(gap, gap_r).min()) < 1e-4:
            raise AssertionError("a guide similarity sits within 1e-4 of its threshold: float32 could flip the mask")
        removed = removed | ((g > (g.diagonal() - m)[:, None]) & ~eye)
        removed_rev = removed_rev | ((g.T > (g.diagonal() - m)[:, None]) & ~eye)
    offset = None
    extra_offset = None
    if t.get("log_q") is not None:
        offset = -torch.tensor(t["log_q"], dtype=torch.float64)
        if t.get("negative_log_q") is not None:
            extra_offset = -torch.tensor(t["negative_log_q"], dtype=torch.float64)
    ninf = torch.tensor(-INF, dtype=torch.float64)

    def direction(q, k, extra, rem, extra_removed=None, off=None, extra_off=None):
        logits = (q @ k.T) * scale
        if off is not None:
            logits = logits + off[None, :]
        cand = [torch.where(rem, ninf, logits)]
        if extra is not None:
            e = extra * scale
            if extra_off is not None:
                e = e + extra_off[None, :]
            cand.append(e if extra_removed is None else torch.where(extra_removed, ninf, e))
        allc = torch.cat(cand, dim=1)
        has_negative = torch.isfinite(allc).sum(dim=1) > 1
        loss = -logits.diagonal() + torch.logsumexp(allc, dim=1)
        return torch.where(has_negative, loss, torch.zeros_like(loss)), has_negative

    extra = neg_candidates(qa, qn, t.get("negatives_kind"), n, t.get("m"))
    same = None
    if t.get("negative_labels") is not None:
        same = torch.tensor(labels)[:, None] == torch.tensor(t["negative_labels"])[None, :]
    fwd, vf = direction(qa, kp, extra, removed, same, offset, extra_offset)
    red = cfg["reduction"]
    guided = t.get("guide_anchors") is not None
    if not cfg["symmetric"]:
        if guided:
            return fwd, vf, {}
        return fwd, None, {}
    bwd, vr = direction(kp, qa, None, removed_rev)
    per_row = 0.5 * (fwd + bwd)
    terms = {"anchor_to_positive": reduce(fwd, red, vf), "positive_to_anchor": reduce(bwd, red, vr)}
    if guided:
        value = 0.5 * (terms["anchor_to_positive"] + terms["positive_to_anchor"])
        skipped = int((~vf).sum()) + int((~vr).sum())
        return per_row, None, terms, None, value, skipped
    return per_row, None, terms


def guide_self(t, cfg, positive):
    """GISTEmbed's mask for the losses over z = [a; p] (NT-Xent, DCL, SupCon): with g = [ga; gp] (F.normalize'd, in
    float64) and H = g gᵀ, negative l of row k (l ≠ k, positive[k, l] false) is removed when H_kl > H_{k,k'} − m,
    k' = k ± N (H_{k,k'} = cos(ga_i, gp_i), the guide similarity of the row's own pair). Returns (removed, emptied):
    emptied rows had a negative and have none left (they are skipped). None, None without a guide."""
    if t.get("guide_anchors") is None:
        return None, None
    ga = F.normalize(t["guide_anchors"].double(), dim=-1, eps=1e-12)
    gp = F.normalize(t["guide_positives"].double(), dim=-1, eps=1e-12)
    g = torch.cat([ga, gp])
    h = g @ g.T
    rows = h.shape[0]
    n = rows // 2
    idx = torch.arange(rows)
    threshold = h[idx, (idx + n) % rows] - cfg["guide_margin"]
    negative = ~torch.eye(rows, dtype=torch.bool) & ~positive
    gap = (h - threshold[:, None]).abs()
    if float(gap[negative].min()) < 1e-4:
        raise AssertionError("a guide similarity sits within 1e-4 of its threshold: float32 could flip the mask")
    removed = negative & (h > threshold[:, None])
    emptied = negative.any(1) & ~(negative & ~removed).any(1)
    return removed, emptied


def ntxent(t, cfg, params):
    """z = [a; p]; ℓ_k = −s_{k,k'} + log Σ_{l≠k} e^{s_kl}, k' = k+N mod 2N. Guide: negatives removed by guide_self;
    a row left without negatives is skipped (0, left out of the mean, counted)."""
    a, p = t["anchors"], t["positives"]
    n = a.shape[0]
    z = prep(torch.cat([a, p]), cfg["similarity"])
    scale = logit_scale(params["log_temperature"], None)
    logits = (z @ z.T) * scale
    eye = torch.eye(2 * n, dtype=torch.bool)
    partner = (torch.arange(2 * n) + n) % (2 * n)
    positive = torch.zeros(2 * n, 2 * n, dtype=torch.bool)
    positive[torch.arange(2 * n), partner] = True
    removed, emptied = guide_self(t, cfg, positive)
    excl = eye if removed is None else eye | removed
    masked = torch.where(excl, torch.tensor(-INF, dtype=torch.float64), logits)
    per_row = -logits[torch.arange(2 * n), partner] + torch.logsumexp(masked, dim=1)
    if emptied is None:
        return per_row, None, {}
    return torch.where(emptied, torch.zeros_like(per_row), per_row), ~emptied, {}


def supcon(t, cfg, params):
    """L_out: ℓ_i = −(1/|P(i)|) Σ_{p∈P(i)} (s_ip − log Σ_{a≠i} e^{s_ia}), × τ/τ_base when a base temperature is set;
    rows with no positive are skipped. Guide (with positives): different-label rows removed from the denominator by
    guide_self; a row the guide leaves without negatives is skipped too."""
    a = t["anchors"]
    labels = list(t["labels"])
    if "positives" in t:
        z_raw = torch.cat([a, t["positives"]])
        labels = labels + labels
    else:
        z_raw = a
    rows = z_raw.shape[0]
    z = prep(z_raw, cfg["similarity"])
    log_tau = params["log_temperature"]
    scale = logit_scale(log_tau, None)
    logits = (z @ z.T) * scale
    eye = torch.eye(rows, dtype=torch.bool)
    lab = torch.tensor(labels)
    pos = (lab[:, None] == lab[None, :]) & ~eye
    removed, emptied = guide_self(t, cfg, pos)
    excl = eye if removed is None else eye | removed
    lse = torch.logsumexp(torch.where(excl, torch.tensor(-INF, dtype=torch.float64), logits), dim=1)
    log_prob = logits - lse[:, None]
    npos = pos.sum(1)
    valid = npos > 0
    if emptied is not None:
        valid = valid & ~emptied
    mean_log_prob = torch.where(pos, log_prob, torch.zeros_like(log_prob)).sum(1) / npos.clamp(min=1)
    per_row = -mean_log_prob
    if cfg["base_temperature"] is not None:
        per_row = per_row * (torch.exp(log_tau) / cfg["base_temperature"])
    per_row = torch.where(valid, per_row, torch.zeros_like(per_row))
    return per_row, valid, {}


def siglip(t, cfg, params):
    """s_ij = sim(a_i,p_j)/τ + b, z_ij = +1 on the diagonal, −1 elsewhere; per row −Σ_j log σ(z_ij s_ij)."""
    a, p = t["anchors"], t["positives"]
    n = a.shape[0]
    sim = cfg["similarity"]
    scale = logit_scale(params["log_temperature"], None)
    logits = (prep(a, sim) @ prep(p, sim).T) * scale + params["bias"]
    zsign = 2 * torch.eye(n, dtype=torch.float64) - 1
    per_row = -F.logsigmoid(zsign * logits).sum(1)
    return per_row, None, {}


def dcl(t, cfg, params):
    """Yeh 2022 Eq. 6: z = [a; p]; ℓ_k = −w_k s_{k,k'} + log Σ_{l∉{k,k'}} e^{s_kl}; DCLW: w_i = 2 − N·softmax_i(
    sim(a_i,p_i)/σ), detached, the same for row i and its partner i+N. Guide: negatives removed by guide_self; a row
    left without negatives is skipped (0, left out of the mean, counted)."""
    a, p = t["anchors"], t["positives"]
    n = a.shape[0]
    sim = cfg["similarity"]
    qa, kp = prep(a, sim), prep(p, sim)
    z = torch.cat([qa, kp])
    scale = logit_scale(params["log_temperature"], None)
    logits = (z @ z.T) * scale
    idx = torch.arange(2 * n)
    partner = (idx + n) % (2 * n)
    excl = torch.eye(2 * n, dtype=torch.bool)
    excl[idx, partner] = True
    removed, emptied = guide_self(t, cfg, excl & ~torch.eye(2 * n, dtype=torch.bool))
    if removed is not None:
        excl = excl | removed
        excl = excl & ~emptied[:, None]  # an emptied row keeps finite logits (its loss is replaced by 0 below)
    masked = torch.where(excl, torch.tensor(-INF, dtype=torch.float64), logits)
    if cfg["weighted"]:
        pos_sim = (qa * kp).sum(1).detach()
        w = 2 - n * torch.softmax(pos_sim / cfg["sigma"], dim=0)
        w = torch.cat([w, w])
    else:
        w = torch.ones(2 * n, dtype=torch.float64)
    per_row = -w * logits[idx, partner] + torch.logsumexp(masked, dim=1)
    if emptied is None:
        return per_row, None, {}
    return torch.where(emptied, torch.zeros_like(per_row), per_row), ~emptied, {}


def margin(t, cfg, params):
    """Hadsell 2006: ℓ_i = ½·max(0, d(a_i,p_i) − m⁺)² + ½·mean_{n∈N(i)} max(0, m⁻ − d(a_i,n))², N(i) = in-batch p_j
    (j≠i, different label when labels are given) ∪ the explicit negatives of row i."""
    a, p, neg = t["anchors"], t["positives"], t.get("negatives")
    n = a.shape[0]
    sim = cfg["similarity"]
    xa, xp = prep(a, sim), prep(p, sim)
    d_ap = dist(xa[:, None, :], xp[None, :, :])  # N×N
    check_dist(d_ap, "anchor-positive")
    eye = torch.eye(n, dtype=torch.bool)
    keep = ~eye
    labels = t.get("labels")
    if labels is not None:
        lab = torch.tensor(labels)
        keep = keep & (lab[:, None] != lab[None, :])
    mp, mn = cfg["positive_margin"], cfg["negative_margin"]
    pos_arg = d_ap.diagonal() - mp
    check_hinge(pos_arg, "positive hinge")
    pos_term = 0.5 * torch.relu(pos_arg) ** 2
    neg_arg = mn - d_ap
    check_hinge(neg_arg[keep], "in-batch negative hinge")
    neg_h = torch.where(keep, torch.relu(neg_arg) ** 2, torch.zeros_like(neg_arg))
    neg_sum = neg_h.sum(1)
    neg_cnt = keep.sum(1).to(torch.float64)
    stats = {"positive_active": int((pos_arg > 0).sum()), "positive_rows": n,
             "negative_active": int((neg_arg[keep] > 0).sum()), "negative_pairs": int(keep.sum())}
    if neg is not None:
        xn = prep(neg, sim)
        if t["negatives_kind"] == "shared":
            d_an = dist(xa[:, None, :], xn[None, :, :])
        else:
            d_an = dist(xa[:, None, :], xn.reshape(n, t["m"], -1))
        check_dist(d_an, "anchor-negative")
        arg = mn - d_an
        check_hinge(arg, "explicit negative hinge")
        neg_sum = neg_sum + (torch.relu(arg) ** 2).sum(1)
        neg_cnt = neg_cnt + d_an.shape[1]
        stats["negative_active"] += int((arg > 0).sum())
        stats["negative_pairs"] += arg.numel()
    if not bool((neg_cnt > 0).all()):
        raise AssertionError("a row has no negative")
    per_row = pos_term + 0.5 * neg_sum / neg_cnt
    return per_row, None, {}, stats


def triplet(t, cfg, params):
    """ℓ_i = mean_{n∈T(i)} h(d(a_i,p_i) − d(a_i,n) + margin), h = relu or softplus, T(i) = explicit negatives."""
    a, p, neg = t["anchors"], t["positives"], t["negatives"]
    n = a.shape[0]
    sim = cfg["similarity"]
    xa, xp, xn = prep(a, sim), prep(p, sim), prep(neg, sim)
    d_ap = dist(xa, xp)
    check_dist(d_ap, "anchor-positive")
    if t["negatives_kind"] == "shared":
        d_an = dist(xa[:, None, :], xn[None, :, :])
    else:
        d_an = dist(xa[:, None, :], xn.reshape(n, t["m"], -1))
    check_dist(d_an, "anchor-negative")
    arg = d_ap[:, None] - d_an + cfg["margin"]
    if cfg["softplus"]:
        h = torch.logaddexp(torch.zeros_like(arg), arg)
    else:
        check_hinge(arg, "triplet hinge")
        h = torch.relu(arg)
    stats = {"active": int((arg > 0).sum()), "triplets": arg.numel()}
    return h.mean(1), None, {}, stats


def align_uniform(t, cfg, params):
    """Wang & Isola 2020, their reference code: L = align_loss(x, y, alpha) + lam * (uniform_loss(x, t) +
    uniform_loss(y, t)) / 2 with align_loss = ‖x − y‖₂^α averaged over pairs and uniform_loss = log mean_{i<j}
    exp(−t‖x_i − x_j‖²) (torch.pdist), on F.normalize'd rows unless normalize is false. The value is not a reduction
    of the per-row terms (the uniformity is over pairs): per_row holds each pair's ‖x_i − y_i‖^α."""
    x, y = t["anchors"], t["positives"]
    if cfg["normalize"]:
        x = F.normalize(x, dim=-1, eps=1e-12)
        y = F.normalize(y, dim=-1, eps=1e-12)
    diff = (x - y).norm(p=2, dim=1)
    check_dist(diff, "align-uniform pair distance")
    per_row = diff.pow(cfg["alpha"])
    align = per_row.mean()
    terms = {"alignment": align}
    value = align
    if cfg["lambda"] > 0:
        def uniform(z):
            d = torch.pdist(z, p=2)
            check_dist(d, "align-uniform uniformity distance")
            return d.pow(2).mul(-cfg["t"]).exp().mean().log()
        ux, uy = uniform(x), uniform(y)
        terms["uniformity_anchors"] = ux
        terms["uniformity_positives"] = uy
        value = align + cfg["lambda"] * (ux + uy) / 2
    return per_row, None, terms, None, value


def matryoshka(t, cfg, params):
    """Kusupati et al. 2022: Σ_k w_k · inner(a[:, :m_k], p[:, :m_k], negatives[:, :m_k]) with labels passed through;
    each prefix is re-normalised by the inner loss (F.normalize of the truncated rows). Per row Σ_k w_k ℓ_{k,i};
    terms dim_<m>: the inner loss's reduced value at prefix m (unweighted)."""
    inner_cfg = {k: v for k, v in cfg.items() if k not in ("inner", "dims", "weights")}
    per_row, valid, terms, value = None, None, {}, 0.0
    for m, w in zip(cfg["dims"], cfg["weights"]):
        tm = dict(t)
        for k in INPUT_KEYS:
            if k in t:
                tm[k] = t[k][:, :m]
        ret = LOSSES[cfg["inner"]](tm, inner_cfg, params)
        rows, valid = ret[0], ret[1]
        per_row = w * rows if per_row is None else per_row + w * rows
        part = reduce(rows, cfg["reduction"], valid)
        terms[f"dim_{m}"] = part
        value = value + w * part
    return per_row, valid, terms, None, value


LOSSES = {"infonce": infonce, "clip": infonce, "ntxent": ntxent, "supcon": supcon, "siglip": siglip,
          "dcl": dcl, "dclw": dcl, "margin": margin, "triplet": triplet, "align-uniform": align_uniform,
          "matryoshka": matryoshka}

DEFAULTS = {
    "infonce": dict(temperature=0.1, learnable_temperature=False, max_logit_scale=None, symmetric=False,
                    similarity="cosine", reduction="mean"),
    "clip": dict(temperature=0.07, learnable_temperature=True, max_logit_scale=100.0, symmetric=True,
                 similarity="cosine", reduction="mean"),
    "ntxent": dict(temperature=0.1, learnable_temperature=False, similarity="cosine", reduction="mean"),
    "supcon": dict(temperature=0.1, base_temperature=None, learnable_temperature=False, similarity="cosine",
                   reduction="mean"),
    "siglip": dict(temperature=0.1, bias=-10.0, learnable_temperature=False, learnable_bias=False,
                   similarity="cosine", reduction="mean"),
    "dcl": dict(temperature=0.1, weighted=False, sigma=0.5, learnable_temperature=False, similarity="cosine",
                reduction="mean"),
    "dclw": dict(temperature=0.1, weighted=True, sigma=0.5, learnable_temperature=False, similarity="cosine",
                 reduction="mean"),
    "margin": dict(positive_margin=0.0, negative_margin=1.0, similarity="cosine", reduction="mean"),
    "triplet": dict(margin=0.2, softplus=False, similarity="cosine", reduction="mean"),
    "align-uniform": {"alpha": 2.0, "t": 2.0, "lambda": 1.0, "normalize": True},
    "matryoshka": dict(inner="infonce", dims=None, weights=None, temperature=0.1, learnable_temperature=False,
                       max_logit_scale=None, symmetric=False, similarity="cosine", reduction="mean"),
}


# ---------------------------------------------------------------------------------------------------------- inputs

def gen(seed, n, d, positives=True, shared=0, paired=0, kind="random", noise=0.02, scale=1.0):
    """float32 inputs. kind: random (Gaussian), near (all rows near one direction, positives nearer their anchor:
    logit gaps O(1) at τ = 1e-3), identical (positive = anchor)."""
    g = torch.Generator().manual_seed(seed)

    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float32) * scale

    out = {}
    if kind == "near":
        v = torch.randn(d, generator=g, dtype=torch.float32)
        v = v / v.norm()
        base = lambda *shape: v.expand(*shape, d) + noise * torch.randn(*shape, d, generator=g, dtype=torch.float32)
        a = base(n)
        out["anchors"] = a
        if positives:
            out["positives"] = a + 0.5 * noise * torch.randn(n, d, generator=g, dtype=torch.float32)
        if shared:
            out["negatives"] = base(shared)
        if paired:
            out["negatives"] = base(n * paired)
    else:
        a = randn(n, d)
        out["anchors"] = a
        if positives:
            out["positives"] = a.clone() if kind == "identical" else a + 0.7 * randn(n, d)
        if shared:
            out["negatives"] = randn(shared, d)
        if paired:
            out["negatives"] = randn(n * paired, d)
    if shared and paired:
        raise ValueError("shared or paired, not both in one batch")
    if shared:
        out["negatives_kind"] = "shared"
    if paired:
        out["negatives_kind"] = "paired"
        out["m"] = paired
    return {k: (v.to(torch.float32).contiguous() if torch.is_tensor(v) else v) for k, v in out.items()}


def guide(seed, n, d):
    """float32 guide-model embeddings of the anchors and positives (positives near their anchors)."""
    g = torch.Generator().manual_seed(seed)
    ga = torch.randn(n, d, generator=g, dtype=torch.float32)
    gp = ga + 0.8 * torch.randn(n, d, generator=g, dtype=torch.float32)
    return {"guide_anchors": ga.contiguous(), "guide_positives": gp.contiguous()}


def logq(seed, n, m=0):
    """log q of the n in-batch candidates (and of m shared negatives): log of Zipf-like frequencies in (1e-4, 0.5)."""
    g = torch.Generator().manual_seed(seed)
    lq = [float(v) for v in (math.log(0.5) - 8 * torch.rand(n, generator=g, dtype=torch.float64)).tolist()]
    out = {"log_q": lq}
    if m:
        out["negative_log_q"] = [float(v) for v in
                                 (math.log(0.5) - 8 * torch.rand(m, generator=g, dtype=torch.float64)).tolist()]
    return out


# ------------------------------------------------------------------------------------------------------------- run

INPUT_KEYS = ("anchors", "positives", "negatives")


def evaluate(loss, cfg, inputs, dtype):
    t = {}
    leaves = []
    for k, v in inputs.items():
        if k in INPUT_KEYS:
            x = v.to(dtype).clone().requires_grad_(True)
            t[k] = x
            leaves.append((k, x))
        else:
            t[k] = v
    tau = cfg.get("temperature", 1.0)
    params = {"log_temperature": torch.tensor(math.log(tau), dtype=dtype,
                                              requires_grad=bool(cfg.get("learnable_temperature", False))),
              "bias": torch.tensor(cfg.get("bias", 0.0), dtype=dtype,
                                   requires_grad=bool(cfg.get("learnable_bias", False)))}
    ret = LOSSES[loss](t, cfg, params)
    per_row, valid, terms = ret[0], ret[1], ret[2]
    stats = ret[3] if len(ret) > 3 else None
    value = ret[4] if len(ret) > 4 else reduce(per_row, cfg["reduction"], valid)
    skipped_override = ret[5] if len(ret) > 5 else None
    scal = [(k, p) for k, p in params.items() if p.requires_grad]
    wrt = [x for _, x in leaves] + [p for _, p in scal]
    grads = torch.autograd.grad(value, wrt)
    skipped = 0 if valid is None else int((~valid).sum())
    if skipped_override is not None:
        skipped = skipped_override
    return {
        "value": float(value),
        "per_row": per_row.detach().double().tolist(),
        "skipped_rows": skipped,
        "gradients": {k: grads[i].detach().double() for i, (k, _) in enumerate(leaves)},
        "scalar_gradients": {k: float(grads[len(leaves) + i]) for i, (k, _) in enumerate(scal)},
        "terms": {k: float(v) for k, v in terms.items()},
    }, stats


def scalar_err(ours, ref):
    """The disagreement measure PyTorchFixturesTest uses for numbers: |ours − ref| / max(1, |ref|)."""
    ours = np.asarray(ours, dtype=np.float64).reshape(-1)
    ref = np.asarray(ref, dtype=np.float64).reshape(-1)
    if ref.size == 0:
        return 0.0
    return float((np.abs(ours - ref) / np.maximum(1.0, np.abs(ref))).max())


def array_err(ours, ref):
    """The measure PyTorchFixturesTest uses for a gradient (rows × D): each entry relative to the larger of its row's
    largest |entry|, 1% of the median row's largest |entry|, and 1e-6."""
    ours = np.asarray(ours, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    ours = ours.reshape(-1, ours.shape[-1])
    ref = ref.reshape(-1, ref.shape[-1])
    row_max = np.abs(ref).max(1)
    scale = np.maximum(np.maximum(row_max, 0.01 * np.median(row_max)), 1e-6)
    return float((np.abs(ours - ref) / scale[:, None]).max())


def r(x):
    """Expected numbers: 15 significant digits (far finer than any float32 comparison)."""
    return float(f"{x:.15g}")


CASES = []


def case(name, loss, inputs, **options):
    cfg = dict(DEFAULTS[loss])
    if loss in ("infonce", "clip", "ntxent", "supcon", "dcl", "dclw") and "guide_margin" in options:
        cfg["guide_margin"] = 0.0  # only in the config of guided cases, so the other fixtures stay as they were
    unknown = set(options) - set(cfg)
    if unknown:
        raise ValueError(f"{name}: unknown options {unknown}")
    cfg.update(options)
    if loss == "clip":
        cfg["overrides"] = dict(options)
    CASES.append((name, loss, cfg, inputs))


def build_cases():
    # ---------------------------------------------------------------- InfoNCE
    case("infonce_cosine_mean", "infonce", gen(101, 8, 6))
    case("infonce_cosine_sum", "infonce", gen(102, 6, 5), reduction="sum")
    case("infonce_dot_none", "infonce", gen(103, 7, 4, scale=0.5), similarity="dot", reduction="none")
    case("infonce_dot_mean_tau0.5", "infonce", gen(104, 5, 8, scale=0.6), similarity="dot", temperature=0.5)
    case("infonce_labels", "infonce", gen(105, 8, 6) | {"labels": [0, 1, 0, 2, 1, 3, 0, 2]})
    case("infonce_shared_negatives", "infonce", gen(106, 6, 5, shared=4), reduction="sum")
    case("infonce_paired_negatives", "infonce", gen(107, 5, 7, paired=3))
    case("infonce_paired_negatives_labels_dot", "infonce",
         gen(108, 6, 4, paired=2, scale=0.5) | {"labels": [1, 1, 2, 2, 3, 1]}, similarity="dot",
         reduction="none")
    case("infonce_shared_negatives_labels", "infonce",
         gen(109, 7, 6, shared=5) | {"labels": [4, 4, 4, 2, 2, 9, 0]}, temperature=0.2)
    case("infonce_symmetric", "infonce", gen(110, 8, 6), symmetric=True)
    case("infonce_symmetric_labels_shared_sum", "infonce",
         gen(111, 6, 5, shared=3) | {"labels": [0, 1, 0, 1, 2, 2]}, symmetric=True, reduction="sum")
    case("infonce_symmetric_paired_dot_none", "infonce", gen(112, 5, 6, paired=2, scale=0.5), symmetric=True,
         similarity="dot", reduction="none")
    case("infonce_learnable", "infonce", gen(113, 8, 6), learnable_temperature=True, temperature=0.07)
    case("infonce_learnable_paired_sum", "infonce", gen(114, 6, 5, paired=3), learnable_temperature=True,
         reduction="sum")
    case("infonce_clamp_inactive", "infonce", gen(115, 6, 6), learnable_temperature=True, temperature=0.05,
         max_logit_scale=100.0, symmetric=True)
    case("infonce_clamp_active", "infonce", gen(116, 6, 6, kind="near", noise=0.08), learnable_temperature=True, temperature=0.005,
         max_logit_scale=100.0, symmetric=True)
    case("infonce_clamp_active_fixed_dot", "infonce", gen(117, 5, 4, scale=0.3), temperature=0.005,
         max_logit_scale=100.0, similarity="dot", reduction="sum")
    case("infonce_tau_1e-3_near", "infonce", gen(118, 8, 8, kind="near"), temperature=1e-3,
         learnable_temperature=True)
    case("infonce_tau_1e-3_near_shared_sym", "infonce", gen(119, 6, 8, shared=3, kind="near"), temperature=1e-3,
         symmetric=True)
    case("infonce_tau_1e-3_identical", "infonce", gen(120, 6, 5, kind="identical"), temperature=1e-3,
         learnable_temperature=True)
    # false negatives by a guide model (GISTEmbed) and the logQ sampling-bias correction (Yi et al. 2019)
    case("infonce_guide", "infonce", gen(131, 8, 6) | guide(1131, 8, 4), guide_margin=0.0, learnable_temperature=True)
    case("infonce_guide_margin_symmetric_sum", "infonce", gen(132, 8, 6) | guide(1132, 8, 5), guide_margin=0.1,
         symmetric=True, reduction="sum", learnable_temperature=True)
    case("infonce_guide_skips_symmetric_mean", "infonce", gen(133, 6, 5) | guide(1133, 6, 3), guide_margin=1.2,
         symmetric=True, learnable_temperature=True)
    case("infonce_guide_labels_shared_dot", "infonce", gen(134, 7, 5, shared=3, scale=0.5)
         | guide(1134, 7, 4) | {"labels": [0, 1, 0, 2, 3, 4, 2]}, guide_margin=0.2, similarity="dot")
    case("infonce_logq", "infonce", gen(135, 8, 6) | logq(1135, 8), learnable_temperature=True)
    case("infonce_logq_shared_sum", "infonce", gen(136, 7, 5, shared=4) | logq(1136, 7, 4), reduction="sum",
         learnable_temperature=True, temperature=0.2)
    case("infonce_logq_guide_dot_none", "infonce", gen(137, 6, 5, scale=0.5) | logq(1137, 6) | guide(1138, 6, 3),
         guide_margin=0.05, similarity="dot", reduction="none")
    case("infonce_tau_10", "infonce", gen(121, 8, 6, shared=3), temperature=10.0, learnable_temperature=True)
    case("infonce_tau_10_dot_sum", "infonce", gen(122, 6, 5), temperature=10.0, similarity="dot",
         reduction="sum")
    zero = gen(123, 6, 5)
    zero["anchors"][2] = 0.0
    case("infonce_cosine_zero_row", "infonce", zero, symmetric=True)
    case("infonce_larger", "infonce", gen(124, 12, 16, paired=2) | {"labels": [0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7]},
         learnable_temperature=True, symmetric=True, temperature=0.2)
    case("infonce_shared_negative_labels", "infonce",
         gen(125, 7, 6, shared=6) | {"labels": [4, 4, 4, 2, 2, 9, 0], "negative_labels": [4, 2, 7, 4, 0, 4]},
         temperature=0.2, learnable_temperature=True)
    case("infonce_shared_negative_labels_symmetric_dot_sum", "infonce",
         gen(126, 6, 5, shared=4, scale=0.5) | {"labels": [1, 1, 1, 2, 2, 3], "negative_labels": [1, 3, 5, 1]},
         symmetric=True, similarity="dot", reduction="sum")
    # ---------------------------------------------------------------- CLIP preset
    case("clip_preset", "clip", gen(201, 8, 6))
    case("clip_preset_dot_sum", "clip", gen(202, 6, 5, scale=0.3), similarity="dot", reduction="sum")
    case("clip_preset_none_labels", "clip", gen(203, 6, 6) | {"labels": [0, 0, 1, 1, 2, 2]}, reduction="none")
    case("clip_tau_1e-3_clamped", "clip", gen(204, 6, 8, kind="near"), temperature=1e-3)
    case("clip_tau_10", "clip", gen(205, 6, 6), temperature=10.0)
    # ---------------------------------------------------------------- NT-Xent
    case("ntxent_cosine_mean", "ntxent", gen(301, 6, 5))
    case("ntxent_dot_sum", "ntxent", gen(302, 5, 4, scale=0.5), similarity="dot", reduction="sum")
    case("ntxent_cosine_none", "ntxent", gen(303, 4, 6), reduction="none")
    case("ntxent_learnable", "ntxent", gen(304, 7, 6), learnable_temperature=True, temperature=0.2)
    case("ntxent_tau_1e-3_near", "ntxent", gen(305, 6, 8, kind="near"), temperature=1e-3,
         learnable_temperature=True)
    case("ntxent_tau_10_dot", "ntxent", gen(306, 6, 5), temperature=10.0, similarity="dot",
         learnable_temperature=True)
    case("ntxent_sum_tau0.5", "ntxent", gen(307, 8, 6), reduction="sum", temperature=0.5)
    case("ntxent_dot_none_learnable", "ntxent", gen(308, 5, 4, scale=0.4), similarity="dot", reduction="none",
         learnable_temperature=True)
    # guide-model false negatives (GISTEmbed) on NT-Xent
    case("ntxent_guide", "ntxent", gen(311, 8, 6) | guide(1311, 8, 4), guide_margin=0.0, learnable_temperature=True)
    case("ntxent_guide_margin_dot_sum", "ntxent", gen(312, 6, 5, scale=0.5) | guide(1312, 6, 3), guide_margin=0.2,
         similarity="dot", reduction="sum", learnable_temperature=True)
    case("ntxent_guide_skips_mean", "ntxent", gen(313, 6, 5) | guide(1313, 6, 3), guide_margin=1.3,
         learnable_temperature=True)
    # ---------------------------------------------------------------- SupCon
    case("supcon_cosine_mean", "supcon", gen(401, 8, 6, positives=False) | {"labels": [0, 1, 0, 1, 2, 2, 0, 1]})
    case("supcon_row_without_positive", "supcon",
         gen(402, 7, 5, positives=False) | {"labels": [0, 1, 0, 2, 1, 3, 0]})
    case("supcon_row_without_positive_sum", "supcon",
         gen(403, 6, 5, positives=False) | {"labels": [5, 5, 7, 8, 8, 9]}, reduction="sum")
    case("supcon_with_positives", "supcon", gen(404, 5, 6) | {"labels": [0, 1, 2, 0, 3]})
    case("supcon_with_positives_dot_none", "supcon", gen(405, 4, 5, scale=0.5) | {"labels": [0, 1, 1, 2]},
         similarity="dot", reduction="none")
    case("supcon_base_temperature", "supcon", gen(406, 8, 6, positives=False) | {"labels": [0, 1, 0, 1, 2, 2, 0, 3]},
         base_temperature=0.07)
    case("supcon_base_temperature_learnable", "supcon", gen(407, 6, 6) | {"labels": [0, 1, 0, 2, 1, 3]},
         base_temperature=0.07, learnable_temperature=True, temperature=0.2)
    case("supcon_learnable_dot", "supcon", gen(408, 7, 5, positives=False, scale=0.4)
         | {"labels": [0, 0, 0, 1, 1, 2, 2]}, learnable_temperature=True, similarity="dot")
    case("supcon_tau_1e-3_near", "supcon", gen(409, 8, 8, positives=False, kind="near")
         | {"labels": [0, 1, 0, 1, 2, 2, 0, 3]}, temperature=1e-3, learnable_temperature=True)
    case("supcon_tau_10", "supcon", gen(410, 6, 5) | {"labels": [0, 1, 2, 0, 1, 2]}, temperature=10.0,
         learnable_temperature=True, reduction="sum")
    case("supcon_none_labels_only", "supcon", gen(411, 7, 6, positives=False) | {"labels": [3, 3, 1, 1, 1, 0, 3]},
         reduction="none", temperature=0.3)
    case("supcon_guide", "supcon", gen(412, 7, 5) | guide(1412, 7, 4) | {"labels": [0, 1, 0, 2, 3, 1, 4]},
         guide_margin=0.0, learnable_temperature=True)
    case("supcon_guide_skips_base_temperature_dot_sum", "supcon", gen(413, 6, 5, scale=0.5) | guide(1413, 6, 3)
         | {"labels": [0, 1, 0, 2, 1, 3]}, guide_margin=1.2, base_temperature=0.07, learnable_temperature=True,
         similarity="dot", reduction="sum")
    # ---------------------------------------------------------------- SigLIP
    case("siglip_cosine_mean", "siglip", gen(501, 8, 6))
    case("siglip_dot_sum", "siglip", gen(502, 6, 5, scale=0.3), similarity="dot", reduction="sum", bias=-1.0)
    case("siglip_none", "siglip", gen(503, 5, 6), reduction="none", temperature=0.5, bias=-2.0)
    case("siglip_learnable_both", "siglip", gen(504, 8, 6), learnable_temperature=True, learnable_bias=True)
    case("siglip_learnable_bias_dot", "siglip", gen(505, 6, 4, scale=0.5), learnable_bias=True, similarity="dot",
         bias=0.5, temperature=1.0)
    case("siglip_learnable_temperature_sum", "siglip", gen(506, 6, 6), learnable_temperature=True,
         reduction="sum", bias=-3.0)
    case("siglip_tau_1e-3_near", "siglip", gen(507, 6, 8, kind="near"), temperature=1e-3, bias=-998.0,
         learnable_temperature=True, learnable_bias=True)
    case("siglip_tau_1e-3_near_default_bias", "siglip", gen(508, 5, 8, kind="near"), temperature=1e-3)
    case("siglip_tau_10", "siglip", gen(509, 6, 6), temperature=10.0, bias=0.0, learnable_temperature=True,
         learnable_bias=True)
    case("siglip_dot_none_learnable_bias", "siglip", gen(510, 5, 5, scale=0.5), similarity="dot",
         reduction="none", learnable_bias=True, bias=-2.0, temperature=0.5)
    # ---------------------------------------------------------------- DCL / DCLW
    case("dcl_cosine_mean", "dcl", gen(601, 8, 6))
    case("dcl_dot_sum", "dcl", gen(602, 6, 5, scale=0.4), similarity="dot", reduction="sum")
    case("dcl_none_learnable", "dcl", gen(603, 5, 6), reduction="none", learnable_temperature=True)
    case("dcl_tau_1e-3_near", "dcl", gen(604, 6, 8, kind="near"), temperature=1e-3, learnable_temperature=True)
    case("dcl_tau_10", "dcl", gen(605, 6, 5), temperature=10.0)
    case("dcl_dot_none_tau0.3", "dcl", gen(611, 5, 4, scale=0.5), similarity="dot", reduction="none",
         temperature=0.3)
    case("dclw_cosine_mean", "dclw", gen(606, 8, 6))
    case("dclw_dot_sum_sigma", "dclw", gen(607, 6, 5, scale=0.4), similarity="dot", reduction="sum", sigma=1.5)
    case("dclw_none_learnable", "dclw", gen(608, 5, 6), reduction="none", learnable_temperature=True,
         temperature=0.3)
    case("dclw_tau_1e-3_near", "dclw", gen(609, 6, 8, kind="near"), temperature=1e-3, learnable_temperature=True)
    case("dclw_tau_10", "dclw", gen(610, 6, 5), temperature=10.0, learnable_temperature=True)
    case("dclw_dot_mean_sigma0.25", "dclw", gen(612, 6, 5, scale=0.5), similarity="dot", sigma=0.25)
    # guide-model false negatives (GISTEmbed) on DCL / DCLW
    case("dcl_guide", "dcl", gen(613, 8, 6) | guide(1613, 8, 4), guide_margin=0.0, learnable_temperature=True)
    case("dcl_guide_skips_none", "dcl", gen(614, 6, 5) | guide(1614, 6, 3), guide_margin=1.2, reduction="none",
         learnable_temperature=True)
    case("dclw_guide_margin_dot_sum", "dclw", gen(615, 7, 5, scale=0.5) | guide(1615, 7, 4), guide_margin=0.15,
         similarity="dot", reduction="sum", learnable_temperature=True)
    case("dclw_guide_skips_mean", "dclw", gen(616, 6, 5) | guide(1616, 6, 3), guide_margin=1.3,
         learnable_temperature=True)
    # ---------------------------------------------------------------- margin contrastive
    case("margin_cosine_mean", "margin", gen(701, 8, 6), negative_margin=1.4)
    case("margin_dot_sum", "margin", gen(702, 6, 5, scale=0.3), similarity="dot", reduction="sum",
         positive_margin=0.3, negative_margin=1.0)
    case("margin_labels", "margin", gen(703, 8, 6) | {"labels": [0, 1, 0, 1, 2, 2, 3, 0]}, positive_margin=0.5,
         negative_margin=1.5)
    case("margin_shared_negatives_none", "margin", gen(704, 6, 5, shared=4), reduction="none",
         positive_margin=0.4, negative_margin=1.45)
    case("margin_paired_negatives_labels_dot", "margin",
         gen(705, 6, 4, paired=3, scale=0.4) | {"labels": [0, 0, 1, 1, 2, 2]}, similarity="dot",
         positive_margin=0.2, negative_margin=1.2)
    case("margin_defaults", "margin", gen(706, 6, 6, shared=2))
    case("margin_none_dot_labels_shared", "margin", gen(707, 6, 5, shared=3, scale=0.35)
         | {"labels": [0, 1, 1, 0, 2, 2]}, similarity="dot", reduction="none", positive_margin=0.25,
         negative_margin=1.1)
    # ---------------------------------------------------------------- triplet
    case("triplet_relu_shared", "triplet", gen(801, 8, 6, shared=4), margin=0.3)
    case("triplet_relu_paired_dot_sum", "triplet", gen(802, 6, 5, paired=3, scale=0.4), similarity="dot",
         reduction="sum", margin=0.5)
    case("triplet_softplus_shared_none", "triplet", gen(803, 6, 6, shared=3), softplus=True, reduction="none")
    case("triplet_softplus_paired", "triplet", gen(804, 7, 5, paired=2), softplus=True)
    case("triplet_defaults_paired", "triplet", gen(805, 6, 6, paired=4))
    case("triplet_softplus_dot_sum_shared", "triplet", gen(806, 5, 4, shared=3, scale=0.5), softplus=True,
         similarity="dot", reduction="sum", margin=0.1)
    # ---------------------------------------------------------------- align-uniform (Wang & Isola 2020)
    case("align_uniform_defaults", "align-uniform", gen(901, 8, 6))
    case("align_uniform_alpha1.5_t1_lambda0.5", "align-uniform", gen(902, 7, 5), alpha=1.5, t=1.0,
         **{"lambda": 0.5})
    case("align_uniform_raw_alpha3", "align-uniform", gen(903, 6, 4, scale=0.5), alpha=3.0, t=0.5,
         normalize=False, **{"lambda": 2.0})
    case("align_uniform_alignment_only", "align-uniform", gen(904, 6, 5), **{"lambda": 0.0})
    case("align_uniform_near", "align-uniform", gen(905, 8, 8, kind="near", noise=0.05), t=4.0)
    case("align_uniform_many_rows", "align-uniform", gen(906, 270, 3), alpha=1.0)
    # ---------------------------------------------------------------- Matryoshka over InfoNCE (Kusupati et al. 2022)
    case("matryoshka_infonce", "matryoshka", gen(1001, 8, 8), dims=[2, 4, 8], weights=[1.0, 1.0, 1.0])
    case("matryoshka_infonce_weighted_learnable_symmetric_labels", "matryoshka",
         gen(1002, 8, 12) | {"labels": [0, 1, 0, 2, 1, 3, 0, 2]}, dims=[3, 6, 10], weights=[0.5, 1.0, 2.0],
         learnable_temperature=True, temperature=0.07, symmetric=True)
    case("matryoshka_infonce_shared_negatives_dot_sum", "matryoshka", gen(1003, 6, 6, shared=4, scale=0.5),
         dims=[1, 3, 6], weights=[1.0, 0.25, 1.0], similarity="dot", reduction="sum", temperature=0.5)
    case("matryoshka_infonce_paired_negatives_none", "matryoshka", gen(1004, 5, 8, paired=3), dims=[4, 8],
         weights=[2.0, 1.0], reduction="none")


def serialise(obj):
    """JSON with one key per line at the top two levels and compact arrays."""
    def dump(o, depth):
        if isinstance(o, dict) and depth < 3:
            pad = " " * (depth + 1)
            items = [f'{pad}{json.dumps(k)}: {dump(v, depth + 1)}' for k, v in o.items()]
            return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}" if items else "{}"
        return json.dumps(o, separators=(", ", ": "), allow_nan=False)
    return dump(obj, 0) + "\n"


def main():
    torch.manual_seed(0)
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
        exp, stats = evaluate(loss, cfg, inputs, torch.float64)
        got32, _ = evaluate(loss, cfg, inputs, torch.float32)
        if not math.isfinite(exp["value"]):
            raise AssertionError(name + ": non-finite value")
        for k, g in exp["gradients"].items():
            if not bool(torch.isfinite(g).all()):
                raise AssertionError(f"{name}: non-finite gradient for {k}")
        f32 = {"value": scalar_err(got32["value"], exp["value"]),
               "per_row": scalar_err(got32["per_row"], exp["per_row"]),
               "gradients": max([array_err(got32["gradients"][k].numpy(), exp["gradients"][k].numpy())
                                 for k in exp["gradients"]] + [0.0]),
               "scalar_gradients": max([scalar_err(got32["scalar_gradients"][k], v)
                                        for k, v in exp["scalar_gradients"].items()] + [0.0])}
        worst.append((max(f32["gradients"], f32["scalar_gradients"]), max(f32["value"], f32["per_row"]), name))
        fin = {}
        for k in INPUT_KEYS:
            if k in inputs:
                x = inputs[k]
                shape = list(x.shape)
                if k == "negatives" and inputs["negatives_kind"] == "paired":
                    shape = [x.shape[0] // inputs["m"], inputs["m"], x.shape[1]]
                fin[k] = {"shape": shape, "data": [float(v) for v in x.reshape(-1).tolist()]}
        if "negatives" in inputs:
            fin["negatives_kind"] = inputs["negatives_kind"]
        if "labels" in inputs:
            fin["labels"] = list(inputs["labels"])
        if "negative_labels" in inputs:
            fin["negative_labels"] = list(inputs["negative_labels"])
        for k in ("guide_anchors", "guide_positives"):
            if k in inputs:
                x = inputs[k]
                fin[k] = {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}
        for k in ("log_q", "negative_log_q"):
            if k in inputs:
                fin[k] = [float(v) for v in inputs[k]]
        config = dict(cfg)  # max_logit_scale None = no clamp
        doc = {
            "name": name,
            "loss": loss,
            "config": config,
            "inputs": fin,
            "expected": {
                "value": r(exp["value"]),
                "per_row": [r(v) for v in exp["per_row"]],
                "skipped_rows": exp["skipped_rows"],
                "gradients": {k: [r(v) for v in g.reshape(-1).tolist()] for k, g in exp["gradients"].items()},
                "scalar_gradients": {k: r(v) for k, v in exp["scalar_gradients"].items()},
                "terms": {k: r(v) for k, v in exp["terms"].items()},
            },
            "float32_check": {k: float(f"{v:.3g}") for k, v in f32.items()},
            "generator": {"script": "scripts/make_fixtures.py", "torch": torch.__version__,
                          "numpy": np.__version__, "dtype": "float64 from float32 inputs"},
        }
        if stats:
            doc["hinges"] = stats
        text = serialise(doc)
        total += len(text.encode())
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as fh:
            fh.write(text)
    worst.sort(reverse=True)
    print(f"{len(CASES)} fixtures, {total / 1024:.1f} KiB in {os.path.relpath(OUT, ROOT)}")
    print("largest float32-vs-float64 torch disagreement (gradients, value):")
    for g, v, n in worst[:6]:
        print(f"  {n}: gradients {g:.2e}, value {v:.2e}")
    losses = sorted({loss for _, loss, _, _ in CASES})
    print("losses covered:", ", ".join(losses))


if __name__ == "__main__":
    sys.exit(main())
