"""Fit a small sequence model over a page's lines (a dilated 1-D convolution stack) on the cached
line features, over the same 5 domain folds as fit_classifier.py, and save its out-of-fold
content probabilities in the `--oof` format that `fit_classifier.py --report-oof` and
`guard_scan.py` read.

    python benchmarks/fit_seqmodel.py --cache FEATS.pkl --stage1 OOF.pkl --seed 1 --out SEQ.pkl
    python benchmarks/fit_seqmodel.py ... --no-stage1          # line features only
    python benchmarks/fit_seqmodel.py ... --loss pairwise      # the order within each page only
    python benchmarks/fit_seqmodel.py --average SEQ1.pkl SEQ2.pkl --out AVG.pkl   # mean log-odds
    python benchmarks/fit_seqmodel.py --cache FEATS.pkl --guard-mix OOF.pkl AVG.pkl   # see guard_mix
    python benchmarks/fit_seqmodel.py --cache FEATS.pkl --page-diff OOF.pkl AVG.pkl read   # page_diff
    python benchmarks/fit_classifier.py --cache FEATS.pkl --report-oof SEQ.pkl --threshold 0.325
    python benchmarks/guard_scan.py decompose --cache FEATS.pkl --oof SEQ.pkl

FEATS.pkl / OOF.pkl are `fit_classifier.py --cache` / `--oof` files (the first stage's boosted
trees, out of fold). Each line's input is its 90 features (the word columns from a word table
fitted on the training folds only, as fit_classifier.py does) and, unless --no-stage1, the first
stage's out-of-fold log-odds (--stage1-input-only: as a column, and the output is the net's own).
The network: a 1x1 convolution to `--channels`, residual blocks of
kernel-3 convolutions with dilations 1, 2, 4, ... (receptive field about 2 x sum of dilations + 1
lines), a page-context step (the page's mean hidden state, mapped and added back to every line), a
last block and a 1x1 convolution to one log-odds per line; with the first stage its output is
added to the first stage's log-odds (a learned correction, zero at the start). Fitted with AdamW on
the line log loss (or, with --loss pairwise, a logistic loss on content-over-furniture pairs of
the same page, which leaves each page's level free: combine it with the trees by
benchmarks/page_blend.py), pages padded into length-sorted batches (masked), early-stopped on the
log loss (pairwise: the mean within-page AUC) of a tenth of the training domains held aside (never
the validation fold). Needs torch (CPU);
inference here is torch, the fitted weights are not written anywhere.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fit_classifier as fc  # benchmarks/ is not a package
import guard_scan as gs

from cleanse.classify import guard


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


class SeqNet(nn.Module):
    def __init__(
        self, n_in: int, ch: int, dilations: Sequence[int], dropout: float, residual: bool,
        page_context: bool = True,
    ):  # fmt: skip
        super().__init__()
        self.page_context = page_context
        self.inp = nn.Conv1d(n_in, ch, 1)
        self.convs = nn.ModuleList(nn.Conv1d(ch, ch, 3, dilation=d, padding=d) for d in dilations)
        self.glob = nn.Linear(ch, ch)
        self.last = nn.Conv1d(ch, ch, 3, padding=1)
        self.out = nn.Conv1d(ch, 1, 1)
        self.drop = nn.Dropout(dropout)
        self.residual = residual
        if residual:  # start from the first stage's own log-odds
            nn.init.zeros_(self.out.weight)
            nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
        """x (B, F, L), mask (B, 1, L), base (B, L): log-odds (B, L)."""
        h = torch.relu(self.inp(x)) * mask
        for conv in self.convs:
            h = (h + self.drop(torch.relu(conv(h)))) * mask
        g = h.sum(dim=2) / mask.sum(dim=2).clamp(min=1.0)
        if self.page_context:
            h = torch.relu(h + self.glob(g)[:, :, None]) * mask
        h = (h + self.drop(torch.relu(self.last(h)))) * mask
        z = self.out(h)[:, 0, :]
        return z + base if self.residual else z


def batches(ix: Sequence[int], lengths: Sequence[int], max_lines: int) -> list[list[int]]:
    """Page indices sorted by length, cut into groups whose padded size stays under max_lines."""
    order = sorted(ix, key=lambda i: lengths[i])
    out: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        if cur and (len(cur) + 1) * lengths[i] > max_lines:
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    return out


def pack(
    group: Sequence[int], xs: Sequence[np.ndarray], bases: Sequence[np.ndarray],
    ys: Sequence[np.ndarray] | None,
) -> tuple[torch.Tensor, ...]:  # fmt: skip
    n = max(len(xs[i]) for i in group)
    f = xs[group[0]].shape[1]
    x = np.zeros((len(group), f, n), dtype=np.float32)
    m = np.zeros((len(group), 1, n), dtype=np.float32)
    b = np.zeros((len(group), n), dtype=np.float32)
    y = np.zeros((len(group), n), dtype=np.float32)
    for r, i in enumerate(group):
        k = len(xs[i])
        x[r, :, :k] = xs[i].T
        m[r, 0, :k] = 1.0
        b[r, :k] = bases[i]
        if ys is not None:
            y[r, :k] = ys[i]
    return tuple(map(torch.from_numpy, (x, m, b, y)))


def predict(net: SeqNet, ix: Sequence[int], xs, bases, max_lines: int) -> dict[int, np.ndarray]:
    net.eval()
    out = {}
    with torch.no_grad():
        for group in batches(ix, [len(x) for x in xs], max_lines):
            x, m, b, _ = pack(group, xs, bases, None)
            z = net(x, m, b).numpy()
            for r, i in enumerate(group):
                out[i] = z[r, : len(xs[i])]
    return out


def pairs(
    group: Sequence[int], ys: Sequence[np.ndarray], n: int, m: int, rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """For the padded batch `group` (row length `n`), each line's `m` partners of the other class
    on its own page, drawn at random: flat indices (winner, loser) of content-over-furniture pairs."""
    win, lose = [], []
    for r, i in enumerate(group):
        y = ys[i] > 0.5
        pos, neg = np.flatnonzero(y) + r * n, np.flatnonzero(~y) + r * n
        if not len(pos) or not len(neg):
            continue
        win += [np.repeat(pos, m), pos[rng.integers(0, len(pos), len(neg) * m)]]
        lose += [neg[rng.integers(0, len(neg), len(pos) * m)], np.repeat(neg, m)]
    if not win:
        return torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long)
    return torch.from_numpy(np.concatenate(win)), torch.from_numpy(np.concatenate(lose))


def within_auc(z: dict[int, np.ndarray], ix: Sequence[int], ys: Sequence[np.ndarray]) -> float:
    """Mean AUC within a page (pages with both classes)."""
    aucs = [gs.auc(z[i], ys[i] > 0.5) for i in ix if 0 < ys[i].sum() < len(ys[i])]
    return float(np.mean(aucs))


def fit_fold(
    train: list[int], xs: list[np.ndarray], bases: list[np.ndarray], ys: list[np.ndarray],
    domains: list[str], args: argparse.Namespace,
) -> SeqNet:  # fmt: skip
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    held = {d for d in sorted({domains[i] for i in train})
            if zlib.crc32(f"{args.seed}:{d}".encode()) % 10 == 0}  # fmt: skip
    fit_ix = [i for i in train if domains[i] not in held]
    stop_ix = [i for i in train if domains[i] in held]
    lengths = [len(x) for x in xs]
    net = SeqNet(
        xs[train[0]].shape[1],
        args.channels,
        args.dilations,
        args.dropout,
        args.stage1,
        args.page_context,
    )
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    groups = batches(fit_ix, lengths, args.batch_lines)
    stop_y = np.concatenate([ys[i] for i in stop_ix])
    best, best_state, bad = np.inf, None, 0
    for epoch in range(args.epochs):
        net.train()
        for g in rng.permutation(len(groups)):
            x, m, b, y = pack(groups[g], xs, bases, ys)
            z = net(x, m, b)
            if args.loss == "pairwise":  # the order of lines within each page only
                win, lose = pairs(groups[g], ys, x.shape[2], args.pairs, rng)
                if not len(win):
                    continue
                flat = z.reshape(-1)
                loss = nn.functional.softplus(flat[lose] - flat[win]).mean()
            else:
                loss = (nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")
                        * m[:, 0, :]).sum() / m.sum()  # fmt: skip
            opt.zero_grad()
            loss.backward()
            opt.step()
        z = predict(net, stop_ix, xs, bases, args.batch_lines)
        zz = np.concatenate([z[i] for i in stop_ix])
        ll = float(np.mean(np.logaddexp(0, zz) - stop_y * zz))
        if args.loss == "pairwise":  # early-stopped on the held-aside pages' within-page AUC
            ll = 1.0 - within_auc(z, stop_ix, ys)
        if ll < best - 1e-4:
            best, bad = ll, 0
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
        else:
            bad += 1
        what = "1 - within-page AUC" if args.loss == "pairwise" else "log loss"
        print(f"    epoch {epoch}: held-aside {what} {ll:.4f}", flush=True)
        if bad >= args.patience:
            break
    net.load_state_dict(best_state)
    return net


def guard_mix(cache: Path, trees: Path, other: Path) -> None:
    """The shipped guard (threshold 0.325) with its page gates (confident share, kept share) read
    from one set of probabilities, the line decisions from a second and the floors' ranking from
    a third, each set being `trees` or `other`: which part of a change is the gates'."""
    a, b = gs.load(cache, [trees]), gs.load(cache, [other])
    index = {id(p): i for i, p in enumerate(a)}
    k = gs.DEFAULTS

    def mixed(gate_from: list, line_from: list, rank_from: list) -> gs.Keep:
        def keep(p: gs.Page, thr: float) -> np.ndarray:
            i = index[id(p)]
            g, lp, r = gate_from[i].proba, line_from[i].proba, rank_from[i].proba
            out = (lp >= thr) | guard.expected_mass(lp, p.chars, k["mass"])
            share = guard._kept_share(g >= thr, p.chars)
            if share >= k["mostly"]:
                out |= lp >= k["mostly_p"]
            conf = float((g >= guard.CONFIDENT).mean())
            if conf < k["unsure_page"]:
                out |= (lp >= k["unsure_thr"]) & p.floor_ok
                out |= guard.char_floor(r, p.chars, k["char_floor"], 0.0) & (lp >= k["floor_min_p"])
                if share < k["sparse"]:
                    floor = guard.line_floor(r, k["line_floor"], 0.0)
                    out |= floor & p.floor_ok & (lp >= k["line_min_p"])
                    if conf < k["rel_unsure"]:
                        out |= (r >= float(np.quantile(r, 0.5))) & (lp >= k["rel_min_p"])
            out |= p.protected
            return guard.guarded(out, p.prose, p.chars)

        return keep

    for name, sets in [
        ("trees only (= shipped guard)", (a, a, a)),
        ("other only (= shipped guard)", (b, b, b)),
        ("gates trees, lines + ranks other", (a, b, b)),
        ("gates + lines trees, floor ranks other", (a, a, b)),
        ("gates other, lines + ranks trees", (b, a, a)),
    ]:
        print(gs.line(name, gs.by_kind(a, gs.page_rows(a, mixed(*sets), 0.325))))


def page_diff(cache: Path, trees: Path, other: Path, kind: str, n: int = 10) -> None:
    """The `n` pages of `kind` ("read": readability-pages) whose F1 through the shipped guard
    (threshold 0.325) falls most from `trees` to `other`: lines kept (tp / fp / fn), share of
    confident lines (the guard's unsure-page gate), F1 without the guard, within-page AUC."""
    a, b = gs.load(cache, [trees]), gs.load(cache, [other])
    shipped = gs.guard_keep()
    bare = gs.guard_keep(mass=0.0, mostly=2.0, unsure_page=-1.0)
    rows = []
    for i, (p, q) in enumerate(zip(a, b, strict=True)):
        if p.kind != kind or p.y is None:
            continue
        ra, rb = gs.page_rows([p], shipped, 0.325)[0], gs.page_rows([q], shipped, 0.325)[0]
        na, nb = gs.page_rows([p], bare, 0.325)[0], gs.page_rows([q], bare, 0.325)[0]
        rows.append((gs.f1(rb)[2] - gs.f1(ra)[2], i, p, q, ra, rb, na, nb))
    rows.sort(key=lambda r: r[0])
    for d, i, p, q, ra, rb, na, nb in rows[:n]:
        conf = f"{np.mean(p.proba >= guard.CONFIDENT):.3f} -> {np.mean(q.proba >= guard.CONFIDENT):.3f}"
        print(
            f"page {i} ({len(p.y)} lines): F1 {gs.f1(ra)[2]:.3f} -> {gs.f1(rb)[2]:.3f} ({d:+.3f}), "
            f"tp/fp/fn {ra[:3].astype(int).tolist()} -> {rb[:3].astype(int).tolist()}, "
            f"confident share {conf}, no guard F1 {gs.f1(na)[2]:.3f} -> {gs.f1(nb)[2]:.3f}, "
            f"AUC {gs.auc(p.proba, p.y):.3f} -> {gs.auc(q.proba, p.y):.3f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--stage1", type=Path, help="first stage's --oof file")
    ap.add_argument(
        "--page-diff",
        nargs=3,
        metavar=("TREES", "OTHER", "KIND"),
        help="fit nothing: the pages of KIND (read: readability-pages) that lose most F1",
    )
    ap.add_argument(
        "--guard-mix",
        type=Path,
        nargs=2,
        metavar=("TREES", "OTHER"),
        help="fit nothing: the guard's gates and line decisions from different --oof files",
    )
    ap.add_argument(
        "--average",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="fit nothing: write to --out the mean log-odds of these --out files",
    )
    ap.add_argument(
        "--no-stage1",
        dest="stage1_in",
        action="store_false",
        help="line features only (no first-stage log-odds in or under the output)",
    )
    ap.add_argument(
        "--stage1-input-only",
        action="store_true",
        help="the first stage's log-odds as an input column only, not under the output",
    )
    ap.add_argument(
        "--no-page-context",
        dest="page_context",
        action="store_false",
        help="without the page-context step (the page's mean hidden state)",
    )
    ap.add_argument(
        "--loss",
        choices=("log", "pairwise"),
        default="log",
        help="pairwise: a logistic loss on random content-over-furniture pairs of the same page "
        "(the page's level is left free; early-stopped on held-aside within-page AUC)",
    )
    ap.add_argument("--pairs", type=int, default=8, help="partners drawn per line (pairwise)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--folds", default="0,1,2,3,4")
    ap.add_argument("--channels", type=int, default=32)
    ap.add_argument("--dilations", default="1,2,4,8,16,32")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--batch-lines", type=int, default=12000)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    args.dilations = [int(v) for v in args.dilations.split(",")]
    if args.page_diff:
        sys.modules["__main__"].PageData = fc.PageData  # type: ignore[attr-defined]
        trees, other, kind = args.page_diff
        page_diff(args.cache, Path(trees), Path(other), kind)
        return 0
    if args.guard_mix:
        sys.modules["__main__"].PageData = fc.PageData  # type: ignore[attr-defined]
        guard_mix(args.cache, *args.guard_mix)
        return 0
    if args.average:
        saved = []
        for path in args.average:
            with path.open("rb") as fh:
                one = pickle.load(fh)  # our own file
            saved.append(one if isinstance(one, dict) else dict(enumerate(one)))
        mean = {i: 1 / (1 + np.exp(-np.mean([logit(s[i]) for s in saved], axis=0)))
                for i in saved[0]}  # fmt: skip
        with args.out.open("wb") as fh:
            pickle.dump(mean, fh)
        return 0
    if args.cache is None or args.stage1 is None or args.out is None:
        ap.error("--cache, --stage1 and --out are needed to fit")
    stage1_path, args.stage1 = args.stage1, args.stage1_in and not args.stage1_input_only
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    sys.modules["__main__"].PageData = fc.PageData  # type: ignore[attr-defined]  # the pickle's class
    data = fc.load_data(args.cache)
    with stage1_path.open("rb") as fh:
        stage1 = pickle.load(fh)  # our own file
    stage1 = [stage1[i] for i in range(len(data))]
    folds = fc.domain_folds(data, 5)
    dump = [i for i, d in enumerate(data) if d.kind != "article" and len(d.idx)]
    domains = [d.page.domain for d in data]
    ys = [d.y.astype(np.float32) for d in data]
    out: list[np.ndarray] = list(stage1)  # extracted texts keep every line: their values unused
    n_params = 0
    for k in map(int, args.folds.split(",")):
        train = [i for i in dump if folds[i] != k]
        test = [i for i in dump if folds[i] == k]
        table = fc.fit_words([data[i] for i in train])
        xs: list[np.ndarray] = [np.zeros((0, 0))] * len(data)
        bases: list[np.ndarray] = [np.zeros(0)] * len(data)
        for i in dump:
            x = fc.with_words(data[i], table)
            z = logit(stage1[i])
            xs[i] = np.c_[x, z] if args.stage1_in else x
            bases[i] = z if args.stage1 else np.zeros(len(z))
        tr = np.concatenate([xs[i] for i in train])
        mu, sd = tr.mean(axis=0), tr.std(axis=0) + 1e-6
        for i in dump:
            xs[i] = np.clip((xs[i] - mu) / sd, -6, 6).astype(np.float32)
        print(f"fold {k}: {len(train)} training pages, {len(test)} validation pages, "
              f"{time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
        net = fit_fold(train, xs, bases, ys, domains, args)
        n_params = sum(p.numel() for p in net.parameters())
        z = predict(net, test, xs, bases, args.batch_lines)
        for i in test:
            out[i] = 1.0 / (1.0 + np.exp(-z[i].astype(np.float64)))
        print(f"fold {k} fitted, {time.perf_counter() - t0:.0f} s", flush=True)
    keep = {i for i, f in enumerate(folds) if str(f) in args.folds.split(",")}
    with args.out.open("wb") as fh:
        pickle.dump({i: p for i, p in enumerate(out) if i in keep}, fh)
    print(f"{n_params} parameters ({n_params * 4 / 1024:.0f} KB as float32); "
          f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
