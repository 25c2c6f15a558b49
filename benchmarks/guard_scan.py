"""Score variants of the keep decision (cleanse/classify/guard.py) on saved domain-held-out
probabilities, without refitting: each variant takes a page's out-of-fold content probabilities and
returns its kept lines; scores are those of `fit_classifier.py --report-oof` (wcxb-dev per page
type, gutted pages, readability-pages).

    python benchmarks/guard_scan.py decompose --cache FEATS.pkl --oof OOF.pkl    # each guard part off
    python benchmarks/guard_scan.py thresholds --cache FEATS.pkl --oof OOF.pkl   # P / R / F1 by threshold
    python benchmarks/guard_scan.py variants --cache FEATS.pkl --oof OOF.pkl     # page-adaptive keeps
    python benchmarks/guard_scan.py page-threshold --cache FEATS.pkl --oof OOF.pkl  # learned, nested
    python benchmarks/guard_scan.py nested --cache FEATS.pkl --oof OOF.pkl       # guard constants, nested
    python benchmarks/guard_scan.py ranking --cache FEATS.pkl --oof OOF.pkl      # AUC, log loss
    python benchmarks/guard_scan.py sources --cache FEATS.pkl --oof OOF.pkl      # F1 lost where
    python benchmarks/guard_scan.py rules --cache FEATS.pkl --oof OOF.pkl        # with the rule packs

FEATS.pkl / OOF.pkl are `fit_classifier.py --cache` / `--oof` files (several `--only-folds` files
may be given after `--oof`, merged as `--report-oof` does). `nested` picks the guard's
constants on four folds (fewest pages gutted past 1 % of a page type, then best wcxb-dev F1 plus
half the readability-pages F1) and scores the fifth, for each fold in turn.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fit_classifier as fc  # benchmarks/ is not a package
from wcxb_eval import GUTTED_SHARE, PAGE_TYPES

from cleanse.classify import guard


@dataclass
class Page:
    """One page's labels and the guard's inputs (non-blank lines), with its blank lines' counts."""

    fold: int
    kind: str  # page type, or "read" for readability-pages
    const: np.ndarray  # tp, fp, fn, content chars, kept content chars of lines not decided here
    y: np.ndarray | None = None  # None: an extracted text, every line kept
    proba: np.ndarray | None = None
    chars: np.ndarray | None = None
    prose: np.ndarray | None = None
    protected: np.ndarray | None = None
    floor_ok: np.ndarray | None = None
    rule_keep: np.ndarray | None = None
    rule_pack_keep: np.ndarray | None = None  # what the built-in rule packs keep (`rules`)


Keep = Callable[[Page, float], np.ndarray]


def load(cache: Path, oofs: Sequence[Path]) -> list[Page]:
    data = fc.load_data(cache)
    merged: dict[int, np.ndarray] = {}
    for oof in oofs:
        with oof.open("rb") as fh:
            saved = pickle.load(fh)  # our own file
        merged.update(saved if isinstance(saved, dict) else enumerate(saved))
    proba = [merged[i] for i in range(len(data))]
    folds = fc.domain_folds(data, 5)
    pages = []
    for i, d in enumerate(data):
        decided = set(d.idx) if d.kind != "article" else set()
        const = np.zeros(5)
        for j, (line, y) in enumerate(zip(d.page.lines, d.page.labels, strict=True)):
            if j not in decided:  # kept
                n = len(line.strip())
                const += (1, 0, 0, n, n) if y else (0, 1, 0, 0, 0)
        kind = "read" if d.page.domain.startswith("readability:") else d.page.page_type
        p = Page(folds[i], kind, const)
        if decided:
            p.y, p.proba, p.chars, p.prose = d.y.astype(bool), proba[i], d.chars, d.prose
            p.protected = (d.x[:, fc._REASON_CONTENT] > 0.5) & (
                d.x[:, fc._LOG_WORDS] >= np.log1p(guard.PROTECTED_WORDS)
            )
            p.floor_ok = (d.x[:, fc._REASONS] > 0.5).any(axis=1)
            p.rule_keep = np.asarray(d.rule_keep, dtype=bool)
        pages.append(p)
    return pages


# --- scoring ------------------------------------------------------------------------------------
def page_rows(pages: Sequence[Page], keep: Keep, thr: float) -> np.ndarray:
    """Per page: tp, fp, fn, gutted."""
    rows = np.zeros((len(pages), 4))
    for i, p in enumerate(pages):
        c = p.const.copy()
        if p.y is not None:
            k = keep(p, thr)
            c += (np.sum(k & p.y), np.sum(k & ~p.y), np.sum(~k & p.y), p.chars[p.y].sum(),
                  p.chars[p.y & k].sum())  # fmt: skip
        rows[i] = (c[0], c[1], c[2], c[3] > 0 and c[4] / c[3] < GUTTED_SHARE)
    return rows


def f1(r: np.ndarray) -> tuple[float, float, float]:
    tp, fp, fn = r[:3]
    p = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    return p, rec, 2 * p * rec / (p + rec) if p + rec else 0.0


def by_kind(pages: Sequence[Page], rows: np.ndarray, mask: np.ndarray | None = None) -> dict:
    kinds = np.array([p.kind for p in pages])
    mask = np.ones(len(pages), dtype=bool) if mask is None else mask
    out = {}
    for key in ("all", *PAGE_TYPES, "read"):
        m = mask & ((kinds != "read") if key == "all" else (kinds == key))
        out[key] = np.r_[rows[m, :3].sum(axis=0), m.sum(), rows[m, 3].sum()]
    return out


def summary(agg: dict) -> tuple[float, float, int, float]:
    """wcxb-dev F1, readability-pages F1, gutted (wcxb-dev), worst page type's gutted share."""
    worst = max(agg[t][4] / max(agg[t][3], 1) for t in PAGE_TYPES)
    return f1(agg["all"])[2], f1(agg["read"])[2], int(agg["all"][4]), worst


def line(name: str, agg: dict) -> str:
    p, r, f = f1(agg["all"])
    types = " ".join(f"{t[:4]} {f1(agg[t])[2]:.3f}/{int(agg[t][4])}" for t in PAGE_TYPES)
    return (f"{name:34s} F1 {f:.4f} (P {p:.3f} R {r:.3f}) gutted {int(agg['all'][4]):2d} | "
            f"{types} | read {f1(agg['read'])[2]:.3f}")  # fmt: skip


# --- keep decisions -----------------------------------------------------------------------------
DEFAULTS = {
    "mass": guard.MASS_SHARE, "mostly": guard.MOSTLY_KEPT, "mostly_p": guard.MOSTLY_KEPT_P,
    "unsure_page": guard.UNSURE_PAGE, "unsure_thr": guard.UNSURE_THRESHOLD, "char_floor": guard.CHAR_FLOOR,
    "floor_min_p": guard.FLOOR_MIN_P, "sparse": guard.SPARSE_KEPT, "line_floor": guard.LINE_FLOOR,
    "line_min_p": guard.LINE_FLOOR_MIN_P, "rel_q": 0.5, "rel_min_p": guard.RELATIVE_MIN_P,
    "rel_unsure": guard.RELATIVE_UNSURE, "rel_mode": "quantile", "smooth": 0, "segments": 0.0,
    "gate": "", "gate_x": 0.0,
}  # fmt: skip


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


def smoothed(proba: np.ndarray, w: int) -> np.ndarray:
    """Mean log-odds over a window of 2w+1 lines, as a probability."""
    pad = np.pad(logit(proba), w, mode="edge")
    return 1 / (1 + np.exp(-np.lib.stride_tricks.sliding_window_view(pad, 2 * w + 1).mean(axis=1)))


def best_segment(s: np.ndarray) -> np.ndarray:
    """The maximum-sum run of `s`."""
    out = np.zeros(len(s), dtype=bool)
    cur, start, best = 0.0, 0, (0.0, 0, -1)
    for i, v in enumerate(s.tolist()):
        if cur <= 0:
            cur, start = 0.0, i
        cur += v
        if cur > best[0]:
            best = (cur, start, i)
    out[best[1] : best[2] + 1] = True
    return out


def otsu(z: np.ndarray, w: np.ndarray) -> float:
    """The cut of `z` that maximises the between-class variance (weights `w`)."""
    o = np.argsort(z)
    z, w = z[o], w[o]
    cw, cz = np.cumsum(w), np.cumsum(w * z)
    w0, w1 = cw[:-1], cw[-1] - cw[:-1]
    between = w0 * w1 * (cz[:-1] / w0 - (cz[-1] - cz[:-1]) / w1) ** 2
    i = int(np.argmax(between)) if len(between) else 0
    return float((z[i] + z[min(i + 1, len(z) - 1)]) / 2)


def guard_keep(**knobs: float | str) -> Keep:
    """guard.model_keeps with its constants (and a few page-adaptive options) as arguments."""
    k = {**DEFAULTS, **knobs}

    def keep(p: Page, thr: float) -> np.ndarray:
        proba, chars, ok = p.proba, p.chars, p.floor_ok
        out = proba >= thr
        if k["mass"]:
            out |= guard.expected_mass(proba, chars, k["mass"])
        share = guard._kept_share(proba >= thr, chars)
        if share >= k["mostly"]:
            out |= proba >= k["mostly_p"]
        conf = float((proba >= guard.CONFIDENT).mean())
        if conf < k["unsure_page"]:
            rank = smoothed(proba, int(k["smooth"])) if k["smooth"] else proba
            out |= (proba >= k["unsure_thr"]) & ok
            out |= guard.char_floor(rank, chars, k["char_floor"], 0.0) & (proba >= k["floor_min_p"])
            gate = share < k["sparse"]
            if k["gate"] == "no-protected":
                gate &= not p.protected.any()
            elif k["gate"] == "kept-prose":
                kept = chars[((proba >= thr) | p.protected) & (p.prose >= 0.5)].sum()
                gate &= kept < k["gate_x"] * chars.sum()
            if gate:
                if k["segments"]:
                    seg = best_segment(proba - float(np.quantile(proba, k["segments"])))
                    out |= seg & ok & (proba >= k["line_min_p"])
                elif k["line_floor"]:
                    floor = guard.line_floor(rank, k["line_floor"], 0.0)
                    out |= floor & ok & (proba >= k["line_min_p"])
                if conf < k["rel_unsure"] and not k["segments"]:
                    if k["rel_mode"] == "otsu":
                        rel = logit(proba) >= otsu(logit(proba), np.ones(len(proba)))
                    else:
                        rel = rank >= float(np.quantile(rank, k["rel_q"]))
                    out |= rel & (proba >= k["rel_min_p"])
        out |= p.protected
        return guard.guarded(out, p.prose, p.chars)

    return keep


# --- reports ------------------------------------------------------------------------------------
def decompose(pages: Sequence[Page]) -> None:
    for name, knobs in [
        ("shipped guard", {}), ("no mostly-kept", {"mostly": 2.0}),
        ("no unsure threshold", {"unsure_thr": 2.0}), ("no char floor", {"char_floor": 0.0}),
        ("no line floor", {"line_floor": 0.0}), ("no relative keep", {"rel_unsure": -1.0}),
        ("no guard", {"mass": 0.0, "mostly": 2.0, "unsure_page": -1.0}),
    ]:  # fmt: skip
        print(line(name, by_kind(pages, page_rows(pages, guard_keep(**knobs), 0.325))))


def with_rules(pages: Sequence[Page], cache: Path) -> None:
    """The shipped guard alone, and with the lines the built-in rule packs drop taken out of
    what it keeps, as `cleanse run` does (the classifier reads every line of the page, the
    rules' drops included; a line goes when either drops it)."""
    from wcxb_eval import full_keeps

    data = fc.load_data(cache)
    rule_keeps = full_keeps([d.page for d in data], classify="off")
    for p, d, kept in zip(pages, data, rule_keeps, strict=True):
        p.rule_pack_keep = np.array([kept[i] for i in d.idx], dtype=bool) if len(d.idx) else None
        decided = set(d.idx) if d.kind != "article" else set()
        for j, (text, y) in enumerate(zip(d.page.lines, d.page.labels, strict=True)):
            if j in decided or kept[j] or not text.strip():
                continue
            n = len(text.strip())  # a line the guard does not decide, dropped by a rule
            p.const += (-1, 0, 1, 0, -n) if y else (0, -1, 0, 0, 0)
    shipped = guard_keep()
    print(line("shipped guard + rule packs",
               by_kind(pages, page_rows(pages, lambda p, t: shipped(p, t) & p.rule_pack_keep, 0.325))))  # fmt: skip


def thresholds(pages: Sequence[Page]) -> None:
    for thr in np.round(np.arange(0.25, 0.601, 0.025), 3):
        print(line(f"threshold {thr:.3f}", by_kind(pages, page_rows(pages, guard_keep(), thr))))


def variants(pages: Sequence[Page]) -> None:
    named: list[tuple[str, dict]] = [("shipped guard", {})]
    named += [(f"floors rank window ±{w}", {"smooth": w}) for w in (1, 2, 3, 5)]
    named += [(f"best run over page q{q}", {"segments": q}) for q in (0.5, 0.6, 0.7, 0.8)]
    named += [(f"relative keep at q{q}", {"rel_q": q}) for q in (0.55, 0.6, 0.65, 0.7)]
    named += [("relative keep at Otsu cut", {"rel_mode": "otsu"})]
    named += [("line floor only w/o protected", {"gate": "no-protected"})]
    named += [(f"line floor if kept prose < {x}", {"gate": "kept-prose", "gate_x": x})
              for x in (0.1, 0.2, 0.3, 0.4)]  # fmt: skip
    for name, knobs in named:
        print(line(name, by_kind(pages, page_rows(pages, guard_keep(**knobs), 0.325))))


def page_stats(p: Page) -> np.ndarray:
    z, pr, ch = logit(p.proba), p.proba, p.chars
    tot = ch.sum() or 1.0
    return np.array([
        *np.quantile(z, [0.1, 0.25, 0.5, 0.75, 0.9]), z.std(), (pr >= 0.6).mean(),
        (pr >= 0.325).mean(), ch[pr >= 0.325].sum() / tot, (pr * ch).sum() / tot,
        np.log(len(pr)), p.rule_keep.mean(), (p.prose >= 0.5).mean(), p.floor_ok.mean(),
        ch[p.rule_keep].sum() / tot, np.log1p(ch.mean()), (pr >= 0.9).mean(), (pr < 0.05).mean(),
    ])  # fmt: skip


GRID = np.linspace(0.02, 0.9, 45)


def page_best(p: Page) -> tuple[float, np.ndarray] | None:
    """The page's threshold of best F1 (log-odds, middle of those within 0.01 of it) and its keep."""
    fs, keeps = [], []
    for t in GRID:
        k = (p.proba >= t) | p.protected
        tp = np.sum(k & p.y)
        fs.append(2 * tp / (2 * tp + np.sum(k & ~p.y) + np.sum(~k & p.y)) if tp else 0.0)
        keeps.append(k)
    f = np.array(fs)
    if f.max() == 0:
        return None
    good = np.flatnonzero(f >= f.max() - 0.01)
    return float(logit(GRID[good]).mean()), keeps[int(np.argmax(f))]


def page_threshold(pages: Sequence[Page], lam: float = 10.0) -> None:
    """A page's threshold predicted from its probabilities' statistics (ridge regression fitted on
    the other folds' pages to their best thresholds), with and without the guard; and the oracle
    (each page at its own best threshold, labels read)."""
    dumps = [i for i, p in enumerate(pages) if p.y is not None]
    stats = {i: page_stats(pages[i]) for i in dumps}
    best = {i: page_best(pages[i]) for i in dumps}
    pred: dict[int, float] = {}
    for k in range(5):
        tr = [i for i in dumps if pages[i].fold != k and best[i] is not None]
        x = np.array([stats[i] for i in tr])
        mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
        xs = np.c_[np.ones(len(x)), (x - mu) / sd]
        reg = lam * np.eye(xs.shape[1])
        reg[0, 0] = 0.0
        beta = np.linalg.solve(xs.T @ xs + reg, xs.T @ np.array([best[i][0] for i in tr]))
        for i in dumps:
            if pages[i].fold == k:
                pred[i] = float(np.r_[1.0, (stats[i] - mu) / sd] @ beta)
    target = np.array([best[i][0] for i in dumps if best[i] is not None])
    guess = np.array([pred[i] for i in dumps if best[i] is not None])
    print(f"best page threshold vs predicted: corr {np.corrcoef(target, guess)[0, 1]:.3f}, "
          f"R2 {1 - np.mean((guess - target) ** 2) / target.var():.3f}")  # fmt: skip
    index = {id(p): i for i, p in enumerate(pages)}
    no_guard = guard_keep(mass=0.0, mostly=2.0, unsure_page=-1.0)
    shipped = guard_keep()

    def at(p: Page) -> float:
        return float(1 / (1 + np.exp(-pred[index[id(p)]])))

    for name, keep in [
        ("global 0.325, no guard", lambda p, t: no_guard(p, t)),
        ("predicted, no guard", lambda p, t: no_guard(p, at(p))),
        ("predicted, guard", lambda p, t: shipped(p, at(p))),
        ("oracle (labels), no guard", lambda p, t: guard.guarded(
            best[index[id(p)]][1] if best[index[id(p)]] else p.proba >= t, p.prose, p.chars)),
    ]:  # fmt: skip
        print(line(name, by_kind(pages, page_rows(pages, keep, 0.325))))


def nested(pages: Sequence[Page]) -> None:
    grid = list(itertools.product((0.05, 0.06, 0.07), (0.25, 0.3, 0.35), (0.7, 0.75, 0.8),
                                  (0.225, 0.25, 0.275)))  # fmt: skip
    rows = [page_rows(pages, guard_keep(unsure_page=u, line_floor=lf, mostly=m, unsure_thr=t),
                      0.325) for u, lf, m, t in grid]  # fmt: skip
    folds = np.array([p.fold for p in pages])
    total = np.zeros_like(rows[0])
    for k in range(5):

        def key(c: int, k: int = k) -> tuple:
            f, fr, gut, worst = summary(by_kind(pages, rows[c], folds != k))
            return (worst > 0.01, gut, -(f + fr / 2))

        c = min(range(len(grid)), key=key)
        print(f"fold {k}: UNSURE_PAGE, LINE_FLOOR, MOSTLY_KEPT, UNSURE_THRESHOLD = {grid[c]}")
        total[folds == k] = rows[c][folds == k]
    print(line("nested guard constants", by_kind(pages, total)))


def sources(pages: Sequence[Page], thr: float = 0.325) -> None:
    """Where the shipped guard's keeps come from (threshold `thr`): lines kept by the line
    decision (p >= thr, or a protected paragraph) and lines the guard adds, content / furniture,
    per page type; and what F1 would be were either pool's furniture dropped (labels read: an
    upper bound on fixing that part alone)."""
    shipped = guard_keep()
    counts = {key: np.zeros(4) for key in ("all", *PAGE_TYPES, "read")}

    def split(part: str) -> Keep:
        def keep(p: Page, t: float) -> np.ndarray:
            full = shipped(p, t)
            base = (p.proba >= t) | p.protected
            if part == "line":
                return full & ~(base & ~p.y)
            return full & ~(full & ~base & ~p.y)

        return keep

    for p in pages:
        if p.y is None:
            continue
        full = shipped(p, thr)
        base = (p.proba >= thr) | p.protected
        added = full & ~base
        c = (np.sum(base & p.y), np.sum(base & ~p.y), np.sum(added & p.y), np.sum(added & ~p.y))
        counts["read" if p.kind == "read" else "all"] += c
        if p.kind != "read":
            counts[p.kind] += c
    for key, (bc, bf, gc, gf) in counts.items():
        print(f"{key:14s} kept by line decision: content {int(bc):6d} furniture {int(bf):6d} | "
              f"added by the guard: content {int(gc):5d} furniture {int(gf):6d}")  # fmt: skip
    print(line("shipped guard", by_kind(pages, page_rows(pages, shipped, thr))))
    print(
        line("line decisions' furniture out", by_kind(pages, page_rows(pages, split("line"), thr)))
    )
    print(
        line("guard's added furniture out", by_kind(pages, page_rows(pages, split("guard"), thr)))
    )


def auc(p: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (ties count half)."""
    n1, n0 = int(y.sum()), int((~y).sum())
    if not n1 or not n0:
        return float("nan")
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    _, inv, counts = np.unique(p, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, ranks)
    ranks = (sums / counts)[inv]
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def ranking(pages: Sequence[Page]) -> None:
    """How well the probabilities order lines, before any keep decision: pooled AUC, mean AUC
    within a page (pages with both classes), log loss, per page type (page dumps only)."""
    for key in ("all", *PAGE_TYPES, "read"):
        in_key = (lambda p: p.kind != "read") if key == "all" else (lambda p, k=key: p.kind == k)
        sel = [p for p in pages if p.y is not None and in_key(p)]
        if not sel:
            continue
        pr = np.concatenate([p.proba for p in sel])
        y = np.concatenate([p.y for p in sel])
        q = np.clip(pr, 1e-6, 1 - 1e-6)
        ll = float(-np.mean(y * np.log(q) + (~y) * np.log(1 - q)))
        within = [auc(p.proba, p.y) for p in sel if 0 < p.y.sum() < len(p.y)]
        print(f"{key:14s} pages {len(sel):4d}  pooled AUC {auc(pr, y):.4f}  "
              f"within-page AUC {np.mean(within):.4f}  log loss {ll:.4f}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--oof", type=Path, nargs="+", required=True, help="merged, as --report-oof")
    ap.add_argument(
        "what",
        choices=(
            "decompose",
            "thresholds",
            "variants",
            "page-threshold",
            "nested",
            "ranking",
            "sources",
            "rules",
        ),
    )
    args = ap.parse_args(argv)
    sys.modules["__main__"].PageData = fc.PageData  # type: ignore[attr-defined]  # the pickle's class
    pages = load(args.cache, args.oof)
    if args.what == "rules":
        print(line("shipped guard", by_kind(pages, page_rows(pages, guard_keep(), 0.325))))
        with_rules(pages, args.cache)
        return 0
    {"decompose": decompose, "thresholds": thresholds, "variants": variants,
     "page-threshold": page_threshold, "nested": nested, "ranking": ranking,
     "sources": sources}[args.what](pages)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
