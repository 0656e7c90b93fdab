#!/usr/bin/python3
"""Exploratory sweep of the linear adapter's training recipe in PyTorch, on the embeddings `demo retrieval --data`
cached (a cross-check and a fast way to narrow the levers before the Java runs that the docs report).

It replicates AdapterTrainer's linear variant: a query and a document tower y = W·x + b (W = I, b = 0 at the start),
symmetric InfoNCE over cosines with a learnable temperature (log τ by Adam, τ ≥ 0.01), id masking (documents are
de-duplicated by text; a document that answers two queries of the batch is no negative of either), seeded batches,
Adam, the best epoch by validation recall@1, patience. Options change one lever at a time.

    scripts/adapter-recipe-sweep.py --cache CACHE --data out/bible [--batch 128] [--lr 1e-3] ...
Prints one JSON line per run: the settings, the best epoch, validation recall@1 (both directions) and the four test
recall@1 (ties to the lower corpus row, as the benchmark). Choose by validation, never by test.
"""
import argparse, glob, json, os, sys, time
import numpy as np
import torch

def load(cache, name):
    files = glob.glob(os.path.join(cache, name + ".*.npy"))
    if len(files) != 1:
        sys.exit("expected one cache file for %s in %s, found %s" % (name, cache, files))
    return torch.from_numpy(np.load(files[0]).astype(np.float32))

def texts(data, split, tr):
    with open(os.path.join(data, split, tr + ".tsv"), encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t")[3] for line in f]

def dedup(docs):
    ids, first, pos = {}, [], []
    for i, t in enumerate(docs):
        if t not in ids:
            ids[t] = len(first); first.append(i)
        pos.append(ids[t])
    return torch.tensor(first), torch.tensor(pos)

def recall1(q, c, gold):
    # exact cosine, ties to the lower row (argmax returns the first maximum)
    s = torch.nn.functional.normalize(q, dim=1) @ torch.nn.functional.normalize(c, dim=1).T
    return (s.argmax(1) == gold).float().mean().item()

class Towers(torch.nn.Module):
    def __init__(self, d, bias, shared):
        super().__init__()
        self.q = torch.nn.Linear(d, d, bias=bias)
        self.d = self.q if shared else torch.nn.Linear(d, d, bias=bias)
        for m in {self.q, self.d}:
            with torch.no_grad():
                m.weight.copy_(torch.eye(d))
                if bias:
                    m.bias.zero_()

def run(a, xq, xd, pos, vq, vd, vpos, test):
    torch.manual_seed(a.seed)
    n, d = xq.shape
    m = Towers(d, not a.no_bias, a.shared)
    log_tau = torch.nn.Parameter(torch.tensor(float(np.log(a.tau))))
    params = list(m.parameters())
    groups = [{"params": params, "weight_decay": a.wd}]
    if not a.fixed_tau:
        groups.append({"params": [log_tau], "weight_decay": 0.0})
    opt = (torch.optim.AdamW if a.wd > 0 else torch.optim.Adam)(groups, lr=a.lr)
    sched = None
    batches = max(1, min((n + a.batch - 1) // a.batch, n // 2))
    if a.cosine:
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.epochs * batches,
                                                    pct_start=a.warmup, anneal_strategy="cos")
    def validate():
        with torch.no_grad():
            yq, yd = m.q(vq), m.d(vd)
            r_qd = recall1(yq, yd, vpos)
            # reverse: each document's first query (documents de-duplicated)
            first_q = torch.zeros(len(vd), dtype=torch.long)
            seen = set()
            for i, p in enumerate(vpos.tolist()):
                if p not in seen:
                    seen.add(p); first_q[p] = i
            r_dq = recall1(yd, yq, first_q)
            return r_qd, r_dq
    best, best_state, best_epoch, hist = None, None, 0, []
    for epoch in range(1, a.epochs + 1):
        g = torch.Generator().manual_seed(a.seed * 1000 + epoch)
        order = torch.randperm(n, generator=g)
        t0 = time.time()
        for b in range(batches):
            rows = order[b * n // batches:(b + 1) * n // batches]
            lab = pos[rows]
            yq = torch.nn.functional.normalize(m.q(xq[rows]), dim=1)
            yd = torch.nn.functional.normalize(m.d(xd[lab]), dim=1)
            tau = log_tau.exp()
            s = yq @ yd.T / tau
            same = (lab[:, None] == lab[None, :]) & ~torch.eye(len(rows), dtype=torch.bool)
            s = s.masked_fill(same, float("-inf"))
            target = torch.arange(len(rows))
            l1 = torch.nn.functional.cross_entropy(s, target)
            loss = l1 if a.one_way else 0.5 * (l1 + torch.nn.functional.cross_entropy(s.T, target))
            opt.zero_grad(); loss.backward(); opt.step()
            if sched: sched.step()
            with torch.no_grad():
                log_tau.clamp_(min=float(np.log(0.01)))
        v = validate()
        score = v[0] if a.select == "qd" else (v[0] + v[1]) / 2
        hist.append((epoch, round(loss.item(), 4), round(log_tau.exp().item(), 4), round(v[0], 4), round(v[1], 4)))
        if best is None or score > best:
            best, best_epoch = score, epoch
            best_state = {k: t.clone() for k, t in m.state_dict().items()}
            best_v = v
        if a.patience > 0 and epoch - best_epoch >= a.patience:
            break
    m.load_state_dict(best_state)
    out = {}
    with torch.no_grad():
        for name, (src, tgt, fwd) in test.items():
            qa, ca = (m.q, m.d) if fwd else (m.d, m.q)
            out[name] = round(recall1(qa(src), ca(tgt), torch.arange(len(src))), 4)
    return best_epoch, best_v, out, hist

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cache", required=True); p.add_argument("--data", default="out/bible")
    p.add_argument("--pair", default="both", choices=["kjv-web", "web-rv1909", "both"])
    p.add_argument("--batch", type=int, default=128); p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=30); p.add_argument("--patience", type=int, default=3)
    p.add_argument("--tau", type=float, default=0.05); p.add_argument("--fixed-tau", action="store_true")
    p.add_argument("--wd", type=float, default=0.0); p.add_argument("--no-bias", action="store_true")
    p.add_argument("--shared", action="store_true"); p.add_argument("--one-way", action="store_true")
    p.add_argument("--cosine", action="store_true"); p.add_argument("--warmup", type=float, default=0.1)
    p.add_argument("--select", default="qd", choices=["qd", "both"])
    p.add_argument("--seed", type=int, default=1); p.add_argument("--threads", type=int, default=2)
    p.add_argument("--hist", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    pairs = [("kjv", "web"), ("web", "rv1909")] if a.pair == "both" else [tuple(a.pair.split("-"))]
    for s, t in pairs:
        e = {(tr, sp): load(a.cache, tr + "-" + sp) for tr in (s, t) for sp in ("train", "valid", "test")}
        f, ptr = dedup(texts(a.data, "train", t))
        fv, pv = dedup(texts(a.data, "valid", t))
        xq, xd = e[(s, "train")], e[(t, "train")][f]
        vq, vd = e[(s, "valid")], e[(t, "valid")][fv]
        test = {s + "->" + t: (e[(s, "test")], e[(t, "test")], True), t + "->" + s: (e[(t, "test")], e[(s, "test")], False)}
        t0 = time.time()
        be, bv, out, hist = run(a, xq, xd, ptr, vq, vd, pv, test)
        frozen = {k: round(recall1(v[0], v[1], torch.arange(len(v[0]))), 4) for k, v in test.items()}
        r = {"pair": s + "-" + t, "args": {k: v for k, v in vars(a).items() if k not in ("cache", "data", "pair", "hist")},
             "best_epoch": be, "epochs_run": len(hist), "valid": [round(x, 4) for x in bv], "test": out, "frozen": frozen,
             "seconds": round(time.time() - t0, 1)}
        if a.hist: r["hist"] = hist
        print(json.dumps(r), flush=True)

if __name__ == "__main__":
    main()
