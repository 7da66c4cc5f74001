"""Small-integer path, step 3: per-group float32 sums on the sorted byte rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from stats import _int_config as cfg
from stats._moments_base import FloatArray, IntArray
from stats._sparse_kernels import _byte_column_counts, _indicator_product


class _IntGroups:
    """Per-group sums on the sorted byte rows (see :func:`_small_int_moments`).

    :meth:`run` fills raw sums per group; :meth:`finish` adds the rows missing several items
    of all groups at once (:meth:`_several`) and turns the sums into :class:`GroupedMoments`
    fields for all groups at once.

    A work block holds whole byte rows (``width`` columns: the k items, then zero padding), so
    the byte-to-float32 copy is one contiguous pass; BLAS products use the first k columns.
    Blocks: ``_Y2`` = y^2, ``_Y`` = y, ``_Z`` = the missing indicator (rows missing several).
    """

    _Y2, _Y, _Z = 0, 1, 2

    def __init__(
        self,
        srt: NDArray[np.uint8],
        bounds: IntArray,
        g_n: int,
        k: int,
        vmax: int,
        cat_codes: IntArray | None,
        pairwise: bool,
    ) -> None:
        self.srt, self.bounds, self.g_n, self.k = srt, bounds, g_n, k
        self.pairwise = pairwise
        self.width = w = srt.shape[1]
        # every float32 sum over this many rows (Gram, column and indicator sums) stays exact
        self.exact_rows = cfg._EXACT32 // (vmax * vmax)
        piece = min(cfg._PIECE_ROWS, self.exact_rows)
        seg = np.diff(bounds)
        self.piece = max(1, min(piece, int(seg.max()) if seg.size else 1))
        # col_c' y for a complete row is an integer below 2**24 up to this many rows
        self.proj_rows = cfg._EXACT32 // max(1, k * vmax * vmax)
        # category counts: the byte codes of the scale points; on a scale without gaps the three
        # lowest follow from the number of answers and the sums of y and y^2, the others are
        # counted; on a scale with gaps every point is counted
        self.cat_codes = cat_codes
        self.counted: list[int] = []
        self.gaps = False
        if cat_codes is not None:
            self.gaps = bool(np.any(np.diff(cat_codes) != 1))
            self.counted = list(range(0 if self.gaps else 3, cat_codes.size))
        sizes = np.diff(bounds[:: k + 2])
        self.count_rows = max(1, min(cfg._COUNT_ROWS, int(sizes.max()) if sizes.size else 1))
        # listwise, rows with a missing answer need y^2 only for the category counts
        self.square_all = pairwise or (cat_codes is not None and not self.gaps)
        self.gram_c = np.zeros((g_n, k, k))
        self.gram_s = np.zeros((g_n, k, k))  # rows missing one item
        self.gram_m = np.zeros((g_n, k, k))  # rows missing several
        self.col_c = np.zeros((g_n, 2, w))  # column sums of y^2, y: complete rows
        self.col_s = np.zeros((g_n, 2, w))  # ... rows missing one item
        self.col_m = np.zeros((g_n, 2, w))  # ... rows missing several
        self.seg = np.zeros((g_n, 2, k, w))  # [g, 0, l, j] sum of y_j, [g, 1] of y_j^2, l missing
        self.rsq = np.zeros((g_n, k))  # sum of (row sum)^2 over rows missing only item l
        self.wz = np.zeros((3, g_n * k, w))  # [., g k + l, j]: z_l y_j, z_l z_j, z_l y_j^2
        self.ty = np.zeros((g_n, w))  # sum of T y_j over rows missing several
        self.tz = np.zeros((g_n, k, 2))  # sum of z_l [T, T^2] over those rows
        self.tm = np.zeros((g_n, 2))  # sum of T, T^2 over those rows
        self.answered_m = np.zeros(g_n, dtype=np.int64)
        self.zsum_m = np.zeros((g_n, k))  # missing answers per item in rows missing several
        self.counts = np.zeros((g_n, len(self.counted), w), dtype=np.int64)
        # code 0 is a missing answer: a scale point below the answers has no code, count 0
        codes_c = [int(cat_codes[c]) for c in self.counted] if cat_codes is not None else []
        self.count_idx = np.array([i for i, c in enumerate(codes_c) if 1 <= c <= 255], dtype=int)
        self.count_codes = np.array([codes_c[i] for i in self.count_idx], dtype=np.uint8)
        self.count_codes = self.count_codes.reshape(-1, 1, 1)
        self.adf_var = np.full(g_n, np.nan)

    def run(self, groups: Sequence[int]) -> None:
        """Sums for ``groups`` with this call's own work blocks."""
        work = np.empty((2, self.piece, self.width), dtype=np.float32)
        eq = np.empty((self.count_idx.size, self.count_rows, self.width), dtype=np.bool_)
        ones32 = np.ones(max(self.piece, self.width), dtype=np.float32)
        rows = np.arange(self.piece, dtype=np.int64)
        for g in groups:
            self._group(g, work, ones32, rows)
            self._count(g, eq)

    def _count(self, g: int, eq: NDArray[np.bool_]) -> None:
        """Answers per counted category in group g (all its rows: the counts are descriptive)."""
        if not self.count_idx.size:
            return
        k, piece = self.k, self.count_rows
        a0, a3 = int(self.bounds[g * (k + 2)]), int(self.bounds[(g + 1) * (k + 2)])
        for p0 in range(a0, a3, piece):
            m = min(piece, a3 - p0)
            e = eq[:, :m]
            np.equal(self.srt[None, p0 : p0 + m], self.count_codes, out=e)
            self.counts[g, self.count_idx] += _byte_column_counts(e)

    def _load(self, work: NDArray[np.float32], p0: int, m: int, square: bool = True) -> None:
        """Rows p0 .. p0 + m - 1 as float32 y (and y^2)."""
        y = work[self._Y, :m]
        np.copyto(y, self.srt[p0 : p0 + m])
        if square:
            np.multiply(y, y, out=work[self._Y2, :m])

    def _group(
        self,
        g: int,
        work: NDArray[np.float32],
        ones32: NDArray[np.float32],
        rows: IntArray,
    ) -> None:
        k, piece, pairwise = self.k, self.piece, self.pairwise
        y_, y2_ = self._Y, self._Y2
        ones_w = ones32[: self.width]
        bnd = self.bounds[g * (k + 2) : (g + 1) * (k + 2) + 1]
        a0, a1, a2, a3 = int(bnd[0]), int(bnd[1]), int(bnd[k + 1]), int(bnd[k + 2])

        # complete rows: Gram matrix, column sums (y^2: the Gram diagonal), and per row the sums
        # of y^2 and y (for the ADF variance)
        nc = a1 - a0
        rs = np.empty((2, nc), dtype=np.float32)
        gram, col = self.gram_c[g], self.col_c[g, 1]
        for p0 in range(a0, a1, piece):
            m = min(piece, a1 - p0)
            self._load(work, p0, m)
            col += np.matmul(ones32[:m], work[y_, :m])
            np.matmul(work[y2_ : y_ + 1, :m], ones_w, out=rs[:, p0 - a0 : p0 - a0 + m])
            y = work[y_, :m, :k]
            gram += y.T @ y
        if nc >= 3:
            self.adf_var[g] = self._adf(g, work, rs)

        # rows missing exactly one item, sorted by that item: their products with the missing
        # indicators are sums over the item's segment (a CSR pattern with one entry per row)
        gram, seg, rsq, col = self.gram_s[g], self.seg[g], self.rsq[g], self.col_s[g]
        sq = self.square_all
        for p0 in range(a1, a2, piece):
            m = min(piece, a2 - p0)
            self._load(work, p0, m, square=sq)
            if pairwise or not sq:
                col[1] += np.matmul(ones32[:m], work[y_, :m])
            else:
                col += np.matmul(ones32[:m], work[y2_ : y_ + 1, :m])
            if not pairwise:
                continue
            y = work[y_, :m, :k]
            gram += y.T @ y
            ptr = np.minimum(np.maximum(bnd[1 : k + 2] - p0, 0), m)
            out = np.zeros((2, k, self.width), dtype=np.float32)
            _indicator_product(ptr, rows[:m], work[y_, :m], out[0], by_rows=True)
            _indicator_product(ptr, rows[:m], work[y2_, :m], out[1], by_rows=True)
            seg += out
            r = np.matmul(work[y_, :m], ones_w).astype(np.float64)
            r *= r
            r2 = np.zeros((k, 1))
            _indicator_product(ptr, rows[:m], r[:, None], r2, by_rows=True)
            rsq += r2[:, 0]

        # rows missing two or more items: Gram matrix and column sums here; their products with
        # the missing indicators for all groups at once in :meth:`_several`
        gram, col = self.gram_m[g], self.col_m[g]
        for p0 in range(a2, a3, piece):
            m = min(piece, a3 - p0)
            self._load(work, p0, m, square=sq)
            if pairwise or not sq:
                col[1] += np.matmul(ones32[:m], work[y_, :m])
            else:
                col += np.matmul(ones32[:m], work[y2_ : y_ + 1, :m])
            if pairwise:
                y = work[y_, :m, :k]
                gram += y.T @ y

    def _several(self) -> None:
        """Rows missing several items, all groups in one pass (they are ~10 % of the rows, and
        per group their steps would be many small calls): the missing-indicator pattern Z from
        their zero bytes, Z'[y, z, y^2] and Z'[T, T^2] with one sparse product per block whose
        rows are (group, item), sum T y per group with the group pattern (values T), and the
        number of rows with an answer, missing answers per item, sum T and T^2 per group."""
        k, g_n, piece, w = self.k, self.g_n, self.piece, self.width
        starts = self.bounds[k + 1 :: k + 2][:g_n]
        lens = self.bounds[k + 2 :: k + 2] - starts
        total = int(lens.sum())
        if total == 0:
            return
        grp = np.repeat(np.arange(g_n), lens)
        src = np.arange(total) + np.repeat(starts - (np.cumsum(lens) - lens), lens)
        rows = np.take(self.srt, src, axis=0)
        y_, y2_, zb = self._Y, self._Y2, self._Z
        m_all = min(piece, total)
        work = np.empty((3, m_all, w), dtype=np.float32)
        a64 = np.empty((m_all, w))
        ones_w = np.ones(w, dtype=np.float32)
        row_ptr = np.arange(m_all + 1, dtype=np.int64)
        kf = float(k)
        acc = np.zeros((3, g_n * k, w) if self.pairwise else (0, 0, 0), dtype=np.float32)
        acc_rows = 0
        for p0 in range(0, total, piece):
            m = min(piece, total - p0)
            blk, gp = rows[p0 : p0 + m], grp[p0 : p0 + m]
            pos = np.flatnonzero(blk[:, :k] == 0)
            row_of = pos // k
            gi = gp[row_of] * k + (pos - row_of * k)  # (group, item) of each missing answer
            n_miss = np.bincount(row_of, minlength=m)
            n_ans = kf - n_miss
            self.answered_m += np.bincount(gp, weights=n_ans > 0, minlength=g_n).astype(np.int64)
            self.zsum_m += np.bincount(gi, minlength=g_n * k).reshape(g_n, k)
            if not self.pairwise:
                continue
            y = work[y_, :m]
            np.copyto(y, blk)
            np.multiply(y, y, out=work[y2_, :m])
            np.equal(blk, 0, out=work[zb, :m])
            ptr = np.zeros(m + 1, dtype=np.int64)
            np.cumsum(n_miss, out=ptr[1:])
            if acc_rows + m > self.exact_rows:  # keep the float32 sums exact
                self.wz += acc
                acc[:] = 0.0
                acc_rows = 0
            acc_rows += m
            for i, b in enumerate((y_, zb, y2_)):
                _indicator_product(ptr, gi, work[b, :m], acc[i], by_rows=False)
            # T = mean of the answered items (0 for a row with none): not an integer, float64
            r = np.matmul(y, ones_w).astype(np.float64)
            tt = np.zeros((m, 2))
            ti = tt[:, 0]
            np.divide(r, n_ans, out=ti, where=n_ans > 0)
            np.multiply(ti, ti, out=tt[:, 1])
            np.copyto(a64[:m], y)
            ty = np.zeros((g_n, w))
            _indicator_product(row_ptr[: m + 1], gp, a64[:m], ty, by_rows=False, data=ti)
            self.ty += ty
            tz = np.zeros((g_n * k, 2))
            _indicator_product(ptr, gi, tt, tz, by_rows=False)
            self.tz += tz.reshape(g_n, k, 2)
            self.tm[:, 0] += np.bincount(gp, weights=ti, minlength=g_n)
            self.tm[:, 1] += np.bincount(gp, weights=tt[:, 1], minlength=g_n)
        if acc_rows:
            self.wz += acc

    def _adf(self, g: int, work: NDArray[np.float32], rs: NDArray[np.float32]) -> float:
        """:func:`_adf_alpha_var` on the complete rows, from their per-row sums of y^2 and y
        (``rs``) and one product per row with the column sums (exact in float32 when small
        enough, else float64)."""
        k, piece, w = self.k, self.piece, self.width
        gram, col = self.gram_c[g], self.col_c[g, 1, :k]
        m = rs.shape[1]
        mf = float(m)
        tot = float(col.sum())
        t = (float(np.trace(gram)) - float(col @ col) / mf) / mf
        s = (float(gram.sum()) - tot * tot / mf) / mf
        if s <= 0:
            return float("nan")
        c = k / (k - 1)
        a0 = int(self.bounds[g * (k + 2)])
        col_w = np.zeros(w)
        col_w[:k] = col
        y_ = self._Y
        if m <= self.proj_rows:  # col' y is an integer below 2**24: exact in float32
            cc = col_w.astype(np.float32)
            if m <= piece:
                proj32 = work[y_, :m] @ cc  # the block is still loaded
            else:
                proj32 = np.empty(m, dtype=np.float32)
                for p0 in range(0, m, piece):
                    mm = min(piece, m - p0)
                    y = work[y_, :mm]
                    np.copyto(y, self.srt[a0 + p0 : a0 + p0 + mm])
                    proj32[p0 : p0 + mm] = y @ cc
            proj = proj32.astype(np.float64)
        else:
            proj = np.empty(m)
            buf = np.empty((min(piece, m), w))
            for p0 in range(0, m, piece):
                mm = min(piece, m - p0)
                np.copyto(buf[:mm], self.srt[a0 + p0 : a0 + p0 + mm])
                proj[p0 : p0 + mm] = buf[:mm] @ col_w
        # q_i = c (-|y_i - mu|^2 / s + t (1'(y_i - mu))^2 / s^2), |y_i - mu|^2 = sum y^2
        # - 2 mu'y + |mu|^2; the constant |mu|^2 does not change the variance
        r64 = rs.astype(np.float64)
        proj *= -2.0 / mf
        proj += r64[0]
        oy = r64[1]
        oy -= tot / mf
        oy *= oy
        oy *= c * t / (s * s)
        proj *= -c / s
        proj += oy
        proj -= float(proj.sum()) / mf
        return float(proj @ proj) / mf / mf

    def finish(self) -> dict[str, FloatArray]:
        """GroupedMoments fields for all groups at once, in y = x - h units (``counts``: answers
        per scale point, or None without a scale; ``valid`` False when some answer is not one
        of the scale points)."""
        self._several()
        k, g_n, pairwise = self.k, self.g_n, self.pairwise
        kf = float(k)
        k1 = kf - 1.0
        lens = np.diff(self.bounds).reshape(g_n, k + 2).astype(np.float64)
        nc, seg_len = lens[:, 0], lens[:, 1 : k + 1]
        nr = lens.sum(axis=1)
        n_any = nc + seg_len.sum(axis=1) + self.answered_m
        gram_c = self.gram_c
        col_c, col_s, col_m = self.col_c[..., :k], self.col_s[..., :k], self.col_m[..., :k]

        def diag(a: FloatArray) -> FloatArray:
            return np.diagonal(a, axis1=-2, axis2=-1)

        ycol_c = col_c[:, 1]
        zsum = seg_len + self.zsum_m
        # complete rows: T = row sum / k, so its sums come from the Gram matrix
        tc_sum = ycol_c.sum(axis=-1) / kf
        tc_sq = gram_c.sum(axis=(-2, -1)) / kf**2
        shape3 = (g_n, k, k)
        out: dict[str, FloatArray] = {
            "n_any": n_any,
            "q": gram_c.copy(),
            "n": np.broadcast_to(nc[:, None, None], shape3).copy(),
            "s": np.broadcast_to(ycol_c[:, :, None], shape3).copy(),
            "q2": np.broadcast_to(diag(gram_c)[:, :, None], shape3).copy(),
            "t_x": gram_c.sum(axis=-1) / kf,
            "t_s": np.broadcast_to(tc_sum[:, None], (g_n, k)).copy(),
            "t_q": np.broadcast_to(tc_sq[:, None], (g_n, k)).copy(),
            "t_sum": tc_sum.copy(),
            "t_sumsq": tc_sq.copy(),
            "t_n": nc.copy(),
        }
        i = np.flatnonzero(nr > nc) if pairwise else np.zeros(0, dtype=np.int64)
        if i.size:
            gram_s, gram = self.gram_s[i], gram_c[i] + self.gram_s[i] + self.gram_m[i]
            seg = self.seg[i][..., :k]
            wz = self.wz.reshape(3, g_n, k, -1).transpose(1, 0, 2, 3)[i][..., :k]
            tz, tm = self.tz[i], self.tm[i]
            zs = zsum[i]
            # T over rows missing one item = row sum / (k - 1): from their Gram matrix
            ti_sum = col_s[i, 1].sum(axis=-1) / k1 + tm[:, 0]
            ti_sq = gram_s.sum(axis=(-2, -1)) / k1**2 + tm[:, 1]
            eye = np.eye(k)
            out["q"][i] = gram
            out["n"][i] = nr[i, None, None] - zs[:, :, None] - zs[:, None, :] + wz[:, 1]
            out["n"][i] += seg_len[i, :, None] * eye
            coly = ycol_c[i] + col_s[i, 1] + col_m[i, 1]
            # [j, l]: sums of y_j over rows where l is missing (several, or only l)
            out["s"][i] = coly[:, :, None] - np.swapaxes(wz[:, 0] + seg[:, 0], -1, -2)
            out["q2"][i] = diag(gram)[:, :, None] - np.swapaxes(wz[:, 2] + seg[:, 1], -1, -2)
            out["t_x"][i] += gram_s.sum(axis=-1) / k1 + self.ty[i, :k]
            out["t_s"][i] += ti_sum[:, None] - (seg[:, 0].sum(axis=-1) / k1 + tz[:, :, 0])
            out["t_q"][i] += ti_sq[:, None] - (self.rsq[i] / k1**2 + tz[:, :, 1])
            out["t_sum"][i] += ti_sum
            out["t_sumsq"][i] += ti_sq
            out["t_n"][i] = n_any[i]
        if self.cat_codes is not None:
            codes = self.cat_codes.astype(np.float64)
            ans = nr[:, None] - zsum
            counts = np.zeros((g_n, k, codes.size))
            for i_c, c in enumerate(self.counted):
                counts[..., c] = self.counts[:, i_c, :k]
            out["valid"] = np.array(True)
            if self.gaps:  # every point counted: any other answer shows in the total
                out["valid"] = np.array(bool(np.all(counts.sum(axis=-1) == ans)))
            else:  # the lowest three points (u = y - v0 = 0, 1, 2) from sums of 1, u and u^2
                sq_s = diag(self.gram_s) if pairwise else col_s[:, 0]
                sq_m = diag(self.gram_m) if pairwise else col_m[:, 0]
                v0 = codes[0]
                n0 = ans - counts.sum(axis=-1)
                s1 = ycol_c + col_s[:, 1] + col_m[:, 1] - counts @ codes
                s2 = diag(gram_c) + sq_s + sq_m - counts @ (codes * codes)
                u1 = s1 - v0 * n0
                u2 = s2 - 2.0 * v0 * s1 + v0 * v0 * n0
                n2 = (u2 - u1) / 2.0 if codes.size > 2 else np.zeros_like(u1)
                if codes.size > 2:
                    counts[..., 2] = n2
                counts[..., 1] = u1 - 2.0 * n2
                counts[..., 0] = n0 - counts[..., 1] - n2
            out["counts"] = counts
        return out
