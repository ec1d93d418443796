//! Generalised linear models: per-chunk loss/gradient/Hessian, penalties, the small
//! solver steps run between distributed passes, and whole in-memory solvers.
//!
//! Coefficient layout. With `q = cols + (fitIntercept ? 1 : 0)`, binary families
//! (normal, logistic, Poisson) have `q` coefficients, the intercept last; the
//! multinomial family with K classes has `K x q`, row-major, one row per class.
//!
//! Losses are negative log-likelihoods up to terms free of β, summed (not averaged)
//! over the chunk with sample weights so partials from chunks simply add:
//! normal ½(η−y)², logistic softplus(η) − yη, Poisson e^η − yη (log link),
//! multinomial logsumexp(η) − η_y with y the class index.

use crate::error::{check_len, KernelError, Result};
use crate::linalg::{cholesky, cholesky_solve, dot4 as dot, dot4_finish, Element};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Family {
    Normal,
    Logistic,
    Poisson,
    Multinomial(usize),
}

impl Family {
    /// Parses "normal" | "logistic" | "poisson" | "multinomial" (the last needs `classes` >= 2).
    pub fn parse(name: &str, classes: usize) -> Result<Family> {
        match name {
            "normal" => Ok(Family::Normal),
            "logistic" => Ok(Family::Logistic),
            "poisson" => Ok(Family::Poisson),
            "multinomial" if classes >= 2 => Ok(Family::Multinomial(classes)),
            "multinomial" => Err(KernelError::Value(format!("classes: multinomial needs at least 2 classes, got {classes}"))),
            _ => Err(KernelError::Value(format!(
                "family: expected 'normal', 'logistic', 'poisson' or 'multinomial', got '{name}'"
            ))),
        }
    }

    fn outputs(self) -> usize {
        match self {
            Family::Multinomial(k) => k,
            _ => 1,
        }
    }
}

/// Shape of a GLM problem on one chunk.
#[derive(Debug, Clone, Copy)]
pub struct Design {
    pub family: Family,
    pub rows: usize,
    pub cols: usize,
    pub fit_intercept: bool,
}

impl Design {
    /// Coefficients per output (cols + intercept).
    pub fn q(&self) -> usize {
        self.cols + self.fit_intercept as usize
    }
    /// Total number of coefficients.
    pub fn dim(&self) -> usize {
        self.q() * self.family.outputs()
    }
    /// Whether coefficient `j` is an intercept (never penalised).
    pub fn is_intercept(&self, j: usize) -> bool {
        self.fit_intercept && j % self.q() == self.cols
    }

    fn check<T: Element, Y: Element>(&self, x: &[T], y: &[Y], w: Option<&[f64]>, beta: &[f64]) -> Result<()> {
        let (r, c) = (self.rows, self.cols);
        check_len("x", x.len(), r * c, &format!("rows*cols = {r}*{c}"))?;
        self.check_targets(y, w, beta)
    }

    /// The checks of everything but `x` (whose data may be elsewhere, as on a GPU).
    pub(crate) fn check_targets<Y: Element>(&self, y: &[Y], w: Option<&[f64]>, beta: &[f64]) -> Result<()> {
        let r = self.rows;
        check_len("y", y.len(), r, "rows")?;
        if let Some(w) = w {
            check_len("weights", w.len(), r, "rows")?;
        }
        let what = match self.family {
            Family::Multinomial(k) => format!("classes*(cols+intercept) = {k}*{}", self.q()),
            _ => "cols+intercept".to_string(),
        };
        check_len("beta", beta.len(), self.dim(), &what)?;
        if let Family::Multinomial(k) = self.family {
            if let Some(bad) = y.iter().map(|v| v.to_f64()).find(|&v| !(v >= 0.0 && v < k as f64 && v.fract() == 0.0)) {
                return Err(KernelError::Value(format!("y: multinomial labels must be integers in [0, {k}), got {bad}")));
            }
        }
        Ok(())
    }
}

/// Loss, gradient and (optionally) Hessian of one chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmPartial {
    pub loss: f64,
    /// `dim`
    pub grad: Vec<f64>,
    /// `dim x dim` row-major, empty unless asked for.
    pub hessian: Vec<f64>,
    /// Σ weights (rows when unweighted), so callers can average after combining.
    pub weight_sum: f64,
}

/// Fills `xt` with row i of x (the chunk, or a block of it) followed by 1 when fitting an
/// intercept.
#[inline(always)]
fn load_row<T: Element>(d: &Design, x: &[T], i: usize, xt: &mut [f64]) {
    let c = d.cols;
    for (o, v) in xt[..c].iter_mut().zip(&x[i * c..(i + 1) * c]) {
        *o = v.to_f64();
    }
    if d.fit_intercept {
        xt[c] = 1.0;
    }
}

/// The logistic row terms from `e` = e^−|η| and `ln1p_e` = ln(1 + e): softplus(η) − yη,
/// σ(η) − y and σ(1 − σ), the softplus and the sigmoid sharing the one exponential.
#[inline(always)]
fn logistic_terms(eta: f64, e: f64, ln1p_e: f64, y: f64) -> (f64, f64, f64) {
    // One division either way (a branch here mispredicts on half the rows).
    let p = (if eta >= 0.0 { 1.0 } else { e }) / (1.0 + e);
    (eta.max(0.0) + ln1p_e - y * eta, p - y, p * (1.0 - p))
}

/// The Poisson row terms from μ = e^η.
#[inline(always)]
fn poisson_terms(eta: f64, mu: f64, y: f64) -> (f64, f64, f64) {
    (mu - y * eta, mu - y, mu)
}

/// Per-row loss, dloss/dη (per output) and d²loss/dη² for the binary families.
#[inline(always)]
fn binary_terms(family: Family, eta: f64, y: f64) -> (f64, f64, f64) {
    match family {
        Family::Normal => (0.5 * (eta - y) * (eta - y), eta - y, 1.0),
        Family::Logistic => {
            let e = (-eta.abs()).exp();
            logistic_terms(eta, e, e.ln_1p(), y)
        }
        Family::Poisson => poisson_terms(eta, eta.exp(), y),
        Family::Multinomial(_) => unreachable!(),
    }
}

/// Softmax probabilities of `eta` into `p`; returns logsumexp(eta).
#[inline(always)]
fn softmax(eta: &[f64], p: &mut [f64]) -> f64 {
    let m = eta.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for (pk, &e) in p.iter_mut().zip(eta) {
        *pk = (e - m).exp();
        s += *pk;
    }
    for pk in p.iter_mut() {
        *pk /= s;
    }
    m + s.ln()
}

/// Loss, gradient and (when `hessian`) Hessian of one chunk at `beta`.
pub fn glm_partial<T: Element, Y: Element>(
    d: &Design,
    x: &[T],
    y: &[Y],
    weights: Option<&[f64]>,
    beta: &[f64],
    hessian: bool,
) -> Result<GlmPartial> {
    d.check(x, y, weights, beta)?;
    let dim = d.dim();
    let mut grad = vec![0.0; dim];
    let mut h = vec![0.0; if hessian { dim * dim } else { 0 }];
    let h_opt = hessian.then_some(&mut h[..]);
    let (loss, wsum) = partial_terms(&Chunk { d, x, y, weights, beta }, &mut grad, h_opt);
    if hessian {
        symmetrise_from_upper(&mut h, dim, d);
    }
    Ok(GlmPartial { loss, grad, hessian: h, weight_sum: wsum })
}

/// One chunk's inputs to [`glm_partial`], checked.
struct Chunk<'a, T, Y> {
    d: &'a Design,
    x: &'a [T],
    y: &'a [Y],
    weights: Option<&'a [f64]>,
    beta: &'a [f64],
}

/// The loss, Σ w, gradient and Hessian of [`glm_partial`], in loops compiled for AVX2 where
/// the CPU has it (4 lanes instead of SSE2's 2 for the dot products and the row updates; no
/// fused multiply-adds, so the same bits either way).
fn partial_terms<T: Element, Y: Element>(c: &Chunk<T, Y>, grad: &mut [f64], h: Option<&mut [f64]>) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        unsafe fn avx2<T: Element, Y: Element>(c: &Chunk<T, Y>, grad: &mut [f64], h: Option<&mut [f64]>) -> (f64, f64) {
            partial_terms_body(c, grad, h)
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { avx2(c, grad, h) };
        }
    }
    partial_terms_body(c, grad, h)
}

#[inline(always)]
fn partial_terms_body<T: Element, Y: Element>(c: &Chunk<T, Y>, grad: &mut [f64], h: Option<&mut [f64]>) -> (f64, f64) {
    match c.d.family {
        Family::Multinomial(k) => multinomial_partial(c, k, grad, h),
        _ => binary_partial(c, grad, h),
    }
}

/// [`binary_partial`] for the multinomial family with `k` classes, a block of rows at a time:
/// each class's η for the block ([`linear_predictors`]), e^(η − max η) in one vectorised call
/// per class, each row's softmax and loss, the gradient as Σ w·(p − [c = y])·x per class, and
/// the block's Hessian ([`MultinomialHessian`]). The per-class arrays are class-major (class c,
/// row t at c·TERMS_BLOCK + t), so that every loop over the rows of a class is contiguous.
#[inline(always)]
fn multinomial_partial<T: Element, Y: Element>(c: &Chunk<T, Y>, k: usize, grad: &mut [f64], mut h: Option<&mut [f64]>) -> (f64, f64) {
    const B: usize = TERMS_BLOCK;
    let Chunk { d, x, y, weights, beta } = *c;
    let (cols, q) = (d.cols, d.q());
    let mut blocks = Blocks::new(x, cols);
    let (mut eta, mut arg, mut ex, mut resid) = (vec![0.0; B * k], vec![0.0; B * k], vec![0.0; B * k], vec![0.0; B * k]);
    let (mut max, mut sums, mut inv_sums, mut yv, mut ws) = ([0.0; B], [0.0; B], [0.0; B], [0.0; B], [0.0; B]);
    // Row-major, for the Hessian: the rows with the intercept's 1, p and 1 − p.
    let mut hess = h.as_ref().map(|_| MultinomialHessian::new(k, q));
    let (mut rows_q, mut probs, mut rest, mut ex_row) = match h {
        Some(_) => (vec![0.0; B * q], vec![0.0; B * k], vec![0.0; B * k], vec![0.0; k]),
        None => (Vec::new(), Vec::new(), Vec::new(), Vec::new()),
    };
    let (mut loss, mut wsum) = (0.0, 0.0);
    let mut r0 = 0;
    while r0 < d.rows {
        let n = (d.rows - r0).min(B);
        let rows = blocks.rows(x, r0, n);
        for cl in 0..k {
            linear_predictors(rows, cols, &beta[cl * q..(cl + 1) * q], d.fit_intercept, &mut eta[cl * B..cl * B + n]);
        }
        max[..n].fill(f64::NEG_INFINITY);
        for cl in 0..k {
            for (m, &e) in max[..n].iter_mut().zip(&eta[cl * B..cl * B + n]) {
                *m = m.max(e);
            }
        }
        for cl in 0..k {
            for ((a, &e), &m) in arg[cl * B..cl * B + n].iter_mut().zip(&eta[cl * B..cl * B + n]).zip(&max[..n]) {
                *a = e - m;
            }
            crate::vmath::exp_into(&arg[cl * B..cl * B + n], &mut ex[cl * B..cl * B + n]);
        }
        // Σ_c e^(η_c − max η) per row, in class order (as `softmax`).
        sums[..n].fill(0.0);
        for cl in 0..k {
            for (sv, &e) in sums[..n].iter_mut().zip(&ex[cl * B..cl * B + n]) {
                *sv += e;
            }
        }
        block_targets(y, weights, r0, &mut yv[..n], &mut ws[..n]);
        for t in 0..n {
            // loss: logsumexp(η) − η_y
            let yc = yv[t] as usize;
            wsum += ws[t];
            loss += ws[t] * (max[t] + sums[t].ln() - eta[yc * B + t]);
        }
        // One division a row: p = e · (1/Σe).
        for (inv, &sv) in inv_sums[..n].iter_mut().zip(&sums[..n]) {
            *inv = 1.0 / sv;
        }
        for cl in 0..k {
            let (e, r) = (&ex[cl * B..cl * B + n], &mut resid[cl * B..cl * B + n]);
            for t in 0..n {
                let hit = (yv[t] == cl as f64) as u8 as f64;
                r[t] = ws[t] * (e[t] * inv_sums[t] - hit);
            }
            add_weighted_rows(rows, r, cols, &mut grad[cl * q..cl * q + cols]);
            if d.fit_intercept {
                grad[cl * q + cols] += r.iter().sum::<f64>();
            }
        }
        if let (Some(hs), Some(h)) = (hess.as_mut(), h.as_deref_mut()) {
            for t in 0..n {
                load_row(d, rows, t, &mut rows_q[t * q..(t + 1) * q]);
                for (cl, e) in ex_row.iter_mut().enumerate() {
                    *e = ex[cl * B + t];
                    probs[t * k + cl] = *e * inv_sums[t];
                }
                one_minus_softmax(&ex_row, sums[t], &mut rest[t * k..(t + 1) * k]);
            }
            let (rows_q, probs, rest) = (&rows_q[..n * q], &probs[..n * k], &rest[..n * k]);
            if ws[..n].iter().all(|&w| w >= 0.0) {
                hs.add_block(rows_q, probs, rest, &ws[..n]);
            } else {
                // A negative weight (or a NaN): row by row, into the upper blocks.
                multinomial_hessian_rows(rows_q, probs, &ws[..n], k, q, h);
            }
        }
        r0 += n;
    }
    if let (Some(hs), Some(h)) = (hess, h) {
        hs.add_into_upper(h);
    }
    (loss, wsum)
}

/// 1 − p_a = Σ_{c≠a} e_c / s for the softmax p = e / s: sums of the other classes' terms
/// (prefix and suffix sums), so that p_a near 1 loses nothing to cancellation.
fn one_minus_softmax(e: &[f64], s: f64, rest: &mut [f64]) {
    let mut before = 0.0;
    for (r, &ec) in rest.iter_mut().zip(e) {
        *r = before;
        before += ec;
    }
    let mut after = 0.0;
    for (r, &ec) in rest.iter_mut().zip(e).rev() {
        *r = (*r + after) / s;
        after += ec;
    }
}

/// The multinomial Hessian Σ w (diag(p) − p pᵀ) ⊗ x xᵀ through the Gram kernel, for
/// non-negative weights: block (a, a) is the Gram matrix of the rows scaled by
/// √(w·p_a(1 − p_a)); block (a, b ≠ a) is minus block (a, b) of the Gram matrix of the rows
/// √w·(p ⊗ x), k·q long (its diagonal blocks are computed and not used: 1/k of the work).
/// Against the row-by-row sum (which stays for blocks with a negative weight): 2.7x at 10
/// classes and 21 coefficients, 1.5x at 3 classes, 3.3x at 5 classes and 101 coefficients.
struct MultinomialHessian {
    k: usize,
    q: usize,
    /// k lower triangles (q x q each) of the diagonal blocks.
    diag: Vec<f64>,
    /// The lower triangle of the (k·q)² Gram matrix of √w·(p ⊗ x).
    cross: Vec<f64>,
    scaled: Vec<f64>,
    outer: Vec<f64>,
    col_sums: Vec<f64>,
}

impl MultinomialHessian {
    fn new(k: usize, q: usize) -> MultinomialHessian {
        MultinomialHessian {
            k,
            q,
            diag: vec![0.0; k * q * q],
            cross: vec![0.0; k * q * k * q],
            scaled: vec![0.0; TERMS_BLOCK * q],
            outer: vec![0.0; TERMS_BLOCK * k * q],
            col_sums: vec![0.0; k * q],
        }
    }

    /// Adds a block of `n` rows (`rows` n x q, `probs` and `rest` = 1 − probs n x k, weights ≥ 0).
    fn add_block(&mut self, rows: &[f64], probs: &[f64], rest: &[f64], ws: &[f64]) {
        let (k, q, n) = (self.k, self.q, ws.len());
        for a in 0..k {
            for t in 0..n {
                let root = (ws[t] * probs[t * k + a] * rest[t * k + a]).sqrt();
                for (z, v) in self.scaled[t * q..(t + 1) * q].iter_mut().zip(&rows[t * q..(t + 1) * q]) {
                    *z = root * v;
                }
            }
            crate::linalg::gram_accumulate(&self.scaled[..n * q], None, n, q, &mut self.diag[a * q * q..(a + 1) * q * q], &mut [], &mut self.col_sums[..q])
                .expect("the scaled block has the shape it was given");
        }
        let kq = k * q;
        for t in 0..n {
            let root = ws[t].sqrt();
            for a in 0..k {
                let pa = root * probs[t * k + a];
                for (z, v) in self.outer[t * kq + a * q..t * kq + (a + 1) * q].iter_mut().zip(&rows[t * q..(t + 1) * q]) {
                    *z = pa * v;
                }
            }
        }
        crate::linalg::gram_accumulate(&self.outer[..n * kq], None, n, kq, &mut self.cross, &mut [], &mut self.col_sums)
            .expect("the outer block has the shape it was given");
    }

    /// Adds the accumulated blocks into the upper blocks of `h` (`dim x dim`, dim = k·q): the
    /// diagonal blocks whole, the blocks above them (a < b).
    fn add_into_upper(self, h: &mut [f64]) {
        let (k, q) = (self.k, self.q);
        let dim = k * q;
        for a in 0..k {
            let lower = &self.diag[a * q * q..(a + 1) * q * q];
            for i in 0..q {
                for j in 0..q {
                    h[(a * q + i) * dim + a * q + j] += lower[i.max(j) * q + i.min(j)];
                }
            }
            for b in a + 1..k {
                for i in 0..q {
                    for j in 0..q {
                        // Row b·q + j, column a·q + i of the lower triangle.
                        h[(a * q + i) * dim + b * q + j] -= self.cross[(b * q + j) * dim + a * q + i];
                    }
                }
            }
        }
    }
}

/// H[(a,i),(b,j)] += w (p_a δ_ab − p_a p_b) x_i x_j row by row, into the upper blocks of `h`
/// (the diagonal blocks whole): for blocks with a negative weight.
fn multinomial_hessian_rows(rows: &[f64], probs: &[f64], ws: &[f64], k: usize, q: usize, h: &mut [f64]) {
    let dim = k * q;
    for (t, &w) in ws.iter().enumerate() {
        let (p, xt) = (&probs[t * k..(t + 1) * k], &rows[t * q..(t + 1) * q]);
        for a in 0..k {
            for b in a..k {
                let sab = w * (p[a] * ((a == b) as u8 as f64) - p[a] * p[b]);
                for ii in 0..q {
                    let si = sab * xt[ii];
                    let row = &mut h[(a * q + ii) * dim + b * q..(a * q + ii) * dim + (b + 1) * q];
                    for (hv, xv) in row.iter_mut().zip(xt) {
                        *hv += si * xv;
                    }
                }
            }
        }
    }
}

/// Rows a block of [`binary_partial`]: their η, then the exponentials and logarithms of the
/// whole block in one vectorised call ([`crate::vmath`]), then each row's terms. One panel of
/// the Gram kernel, which takes the binary families' Hessian a block at a time.
const TERMS_BLOCK: usize = crate::linalg::PANEL;

/// The binary families' loss (returned, with Σ w), gradient (added to `grad`) and, when given,
/// Hessian (its upper triangle added to `h`), as [`binary_terms`] row by row but a block of
/// rows at a time: the block read in place (f64; f32 widened once into a buffer), η four rows
/// at a time, the block's exponentials (logistic e^−|η| and ln(1 + e^−|η|), Poisson e^η) from
/// `vmath`, within 2 ulps of libm's, the gradient as Σ (w·∂loss/∂η)·x four rows a pass, and
/// the Hessian by the Gram kernel (1.8x at 21 coefficients, 2.7x at 101).
#[inline(always)]
fn binary_partial<T: Element, Y: Element>(c: &Chunk<T, Y>, grad: &mut [f64], mut h: Option<&mut [f64]>) -> (f64, f64) {
    let Chunk { d, x, y, weights, beta } = *c;
    let (cols, q, dim) = (d.cols, d.q(), d.dim());
    let mut blocks = Blocks::new(x, cols);
    let mut eta = [0.0; TERMS_BLOCK];
    let mut arg = [0.0; TERMS_BLOCK];
    let mut ex = [0.0; TERMS_BLOCK];
    let mut ln = [0.0; TERMS_BLOCK];
    // The block's targets and weights, and per row w·loss and w·∂loss/∂η (the gradient is
    // Σ resid·x).
    let (mut yv, mut wv, mut lv) = ([0.0; TERMS_BLOCK], [0.0; TERMS_BLOCK], [0.0; TERMS_BLOCK]);
    let mut resid = [0.0; TERMS_BLOCK];
    // The Hessian Σ w·h·x xᵀ as the Gram matrix of the rows scaled by √(w·h) (w·h ≥ 0 for these
    // families with non-negative weights): its lower triangle, a block at a time.
    let mut scale = [0.0; TERMS_BLOCK];
    let (mut scaled, mut lower, mut col_sums) = match h {
        Some(_) => (vec![0.0; TERMS_BLOCK * q], vec![0.0; q * q], vec![0.0; q]),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let (mut loss, mut wsum) = (0.0, 0.0);
    let mut r0 = 0;
    while r0 < d.rows {
        let n = (d.rows - r0).min(TERMS_BLOCK);
        let rows = blocks.rows(x, r0, n);
        linear_predictors(rows, cols, beta, d.fit_intercept, &mut eta[..n]);
        match d.family {
            Family::Logistic => {
                for (a, e) in arg[..n].iter_mut().zip(&eta) {
                    *a = -e.abs();
                }
                crate::vmath::exp_into(&arg[..n], &mut ex[..n]);
                crate::vmath::ln_1p_unit_into(&ex[..n], &mut ln[..n]);
            }
            Family::Poisson => crate::vmath::exp_into(&eta[..n], &mut ex[..n]),
            _ => {}
        }
        let (yb, wb) = (&mut yv[..n], &mut wv[..n]);
        block_targets(y, weights, r0, yb, wb);
        // As binary_terms, with the exponentials (and logarithms) from the block; one loop per
        // family, so that each vectorises.
        let terms = |t: usize, (l, g1, h1): (f64, f64, f64)| (wb[t] * l, wb[t] * g1, wb[t] * h1);
        let mut put = |t: usize, (l, g, hh): (f64, f64, f64)| {
            lv[t] = l;
            resid[t] = g;
            scale[t] = hh;
        };
        match d.family {
            Family::Logistic => (0..n).for_each(|t| put(t, terms(t, logistic_terms(eta[t], ex[t], ln[t], yb[t])))),
            Family::Poisson => (0..n).for_each(|t| put(t, terms(t, poisson_terms(eta[t], ex[t], yb[t])))),
            fam => (0..n).for_each(|t| put(t, terms(t, binary_terms(fam, eta[t], yb[t])))),
        }
        for (&w, &l) in wb.iter().zip(&lv[..n]) {
            wsum += w;
            loss += l;
        }
        add_weighted_rows(rows, &resid[..n], cols, &mut grad[..cols]);
        if d.fit_intercept {
            grad[cols] += resid[..n].iter().sum::<f64>();
        }
        if let Some(h) = h.as_deref_mut() {
            if scale[..n].iter().all(|&s| s >= 0.0) {
                for (t, s) in scale[..n].iter().enumerate() {
                    let root = s.sqrt();
                    let z = &mut scaled[t * q..(t + 1) * q];
                    for (zv, v) in z.iter_mut().zip(&rows[t * cols..(t + 1) * cols]) {
                        *zv = root * v;
                    }
                    if d.fit_intercept {
                        z[cols] = root;
                    }
                }
                crate::linalg::gram_accumulate(&scaled[..n * q], None, n, q, &mut lower, &mut [], &mut col_sums)
                    .expect("the scaled block has the shape it was given");
            } else {
                // A negative weight (or a NaN): row by row, into the upper triangle.
                let mut xt = vec![0.0; q];
                for (t, &s) in scale[..n].iter().enumerate() {
                    load_row(d, rows, t, &mut xt);
                    for ii in 0..q {
                        let si = s * xt[ii];
                        for (hv, xv) in h[ii * dim + ii..(ii + 1) * dim].iter_mut().zip(&xt[ii..]) {
                            *hv += si * xv;
                        }
                    }
                }
            }
        }
        r0 += n;
    }
    if let Some(h) = h {
        for i in 0..q {
            for j in i..q {
                h[i * dim + j] += lower[j * q + i];
            }
        }
    }
    (loss, wsum)
}

/// A chunk's rows a block of at most [`TERMS_BLOCK`] at a time, as f64: f64 input in place,
/// f32 widened into a buffer.
struct Blocks {
    cols: usize,
    widened: Vec<f64>,
}

impl Blocks {
    fn new<T: Element>(x: &[T], cols: usize) -> Blocks {
        let widened = if crate::linalg::as_f64(x).is_some() { Vec::new() } else { vec![0.0; TERMS_BLOCK * cols] };
        Blocks { cols, widened }
    }

    /// Rows `r0..r0 + n` of `x` (n ≤ TERMS_BLOCK), row-major.
    #[inline(always)]
    fn rows<'a, T: Element>(&'a mut self, x: &'a [T], r0: usize, n: usize) -> &'a [f64] {
        let block = &x[r0 * self.cols..(r0 + n) * self.cols];
        match crate::linalg::as_f64(block) {
            Some(b) => b,
            None => {
                crate::linalg::widen_into(block, &mut self.widened[..n * self.cols]);
                &self.widened[..n * self.cols]
            }
        }
    }
}

/// η of each row of the row-major `rows` (`eta.len() x cols`): x·β (+ the intercept β[cols]),
/// four rows at a time (four independent chains of adds instead of one), each row summed in
/// the same order as [`crate::linalg::dot4`] (whose end, [`dot4_finish`], it shares) whichever
/// way it is taken.
#[inline(always)]
fn linear_predictors(rows: &[f64], cols: usize, beta: &[f64], intercept: bool, eta: &mut [f64]) {
    let b = &beta[..cols];
    let b0 = if intercept { beta[cols] } else { 0.0 };
    let whole = cols / 4 * 4;
    let mut quads = eta.chunks_exact_mut(4);
    let mut xq = rows.chunks_exact(4 * cols);
    for (e, x) in (&mut quads).zip(&mut xq) {
        let [x0, x1, x2, x3] = four_rows(x, cols);
        let mut a = [[0.0f64; 4]; 4];
        let chunks = b.chunks_exact(4).zip(x0.chunks_exact(4)).zip(x1.chunks_exact(4)).zip(x2.chunks_exact(4)).zip(x3.chunks_exact(4));
        for ((((bc, c0), c1), c2), c3) in chunks {
            for t in 0..4 {
                a[0][t] += c0[t] * bc[t];
                a[1][t] += c1[t] * bc[t];
                a[2][t] += c2[t] * bc[t];
                a[3][t] += c3[t] * bc[t];
            }
        }
        for (k, xr) in [x0, x1, x2, x3].into_iter().enumerate() {
            e[k] = dot4_finish(a[k], &xr[whole..], &b[whole..]) + b0;
        }
    }
    for (e, xr) in quads.into_remainder().iter_mut().zip(xq.remainder().chunks_exact(cols)) {
        let mut a = [0.0f64; 4];
        for (bc, c) in b.chunks_exact(4).zip(xr.chunks_exact(4)) {
            for t in 0..4 {
                a[t] += c[t] * bc[t];
            }
        }
        *e = dot4_finish(a, &xr[whole..], &b[whole..]) + b0;
    }
}

/// The targets and weights (1 when unweighted) of rows `r0..r0 + yb.len()`, into `yb` and `wb`.
#[inline(always)]
fn block_targets<Y: Element>(y: &[Y], weights: Option<&[f64]>, r0: usize, yb: &mut [f64], wb: &mut [f64]) {
    let n = yb.len();
    for (o, v) in yb.iter_mut().zip(&y[r0..r0 + n]) {
        *o = v.to_f64();
    }
    match weights {
        Some(w) => wb.copy_from_slice(&w[r0..r0 + n]),
        None => wb.fill(1.0),
    }
}

/// The four rows of a row-major `4 x cols` slice.
#[inline(always)]
fn four_rows(x: &[f64], cols: usize) -> [&[f64]; 4] {
    let (x0, rest) = x.split_at(cols);
    let (x1, rest) = rest.split_at(cols);
    let (x2, x3) = rest.split_at(cols);
    [x0, x1, x2, x3]
}

/// `grad += Σ_t r[t]·row_t` over the row-major `rows` (`r.len() x q`), four rows a pass over
/// `grad` (one load and store of each gradient entry per four rows instead of per row), four
/// columns at a time.
#[inline(always)]
fn add_weighted_rows(rows: &[f64], r: &[f64], q: usize, grad: &mut [f64]) {
    let grad = &mut grad[..q];
    let whole = q / 4 * 4;
    let mut quads = rows.chunks_exact(4 * q);
    let mut rq = r.chunks_exact(4);
    for (x, w) in (&mut quads).zip(&mut rq) {
        let [x0, x1, x2, x3] = four_rows(x, q);
        let chunks = grad.chunks_exact_mut(4).zip(x0.chunks_exact(4)).zip(x1.chunks_exact(4)).zip(x2.chunks_exact(4)).zip(x3.chunks_exact(4));
        for ((((g, c0), c1), c2), c3) in chunks {
            for t in 0..4 {
                g[t] += w[0] * c0[t] + w[1] * c1[t] + w[2] * c2[t] + w[3] * c3[t];
            }
        }
        for j in whole..q {
            grad[j] += w[0] * x0[j] + w[1] * x1[j] + w[2] * x2[j] + w[3] * x3[j];
        }
    }
    for (x, &w) in quads.remainder().chunks_exact(q).zip(rq.remainder()) {
        for (g, &v) in grad.iter_mut().zip(x) {
            *g += w * v;
        }
    }
}

/// The accumulation filled the upper triangle (binary) or the upper blocks (multinomial);
/// mirror so the result is symmetric.
fn symmetrise_from_upper(h: &mut [f64], dim: usize, d: &Design) {
    let q = d.q();
    for i in 0..dim {
        for j in 0..dim {
            let upper = match d.family {
                Family::Multinomial(_) => i / q < j / q || (i / q == j / q && i <= j),
                _ => i <= j,
            };
            if !upper {
                // Within a diagonal multinomial block only the full block was filled: keep it.
                let within_block_filled = matches!(d.family, Family::Multinomial(_)) && i / q == j / q;
                if !within_block_filled {
                    h[i * dim + j] = h[j * dim + i];
                }
            }
        }
    }
}

/// Hessian-vector product H·v of one chunk at `beta`, without forming H.
pub fn glm_hvp<T: Element, Y: Element>(d: &Design, x: &[T], y: &[Y], weights: Option<&[f64]>, beta: &[f64], v: &[f64]) -> Result<Vec<f64>> {
    d.check(x, y, weights, beta)?;
    check_len("v", v.len(), d.dim(), "dim (length of beta)")?;
    let (q, k) = (d.q(), d.family.outputs());
    let mut out = vec![0.0; d.dim()];
    let mut xt = vec![0.0; q];
    let mut eta = vec![0.0; k];
    let mut p = vec![0.0; k];
    let mut u = vec![0.0; k];
    for i in 0..d.rows {
        load_row(d, x, i, &mut xt);
        let w = weights.map_or(1.0, |w| w[i]);
        match d.family {
            Family::Multinomial(_) => {
                for c in 0..k {
                    eta[c] = dot(&beta[c * q..(c + 1) * q], &xt);
                    u[c] = dot(&v[c * q..(c + 1) * q], &xt);
                }
                softmax(&eta, &mut p);
                let pu = dot(&p, &u);
                for c in 0..k {
                    let r = w * p[c] * (u[c] - pu);
                    for (o, xv) in out[c * q..(c + 1) * q].iter_mut().zip(&xt) {
                        *o += r * xv;
                    }
                }
            }
            fam => {
                let (_, _, h1) = binary_terms(fam, dot(&beta[..q], &xt), y[i].to_f64());
                let r = w * h1 * dot(&v[..q], &xt);
                for (o, xv) in out.iter_mut().zip(&xt) {
                    *o += r * xv;
                }
            }
        }
    }
    Ok(out)
}

/// Elastic-net penalty α(ρ‖β‖₁ + ½(1−ρ)‖β‖²) over non-intercept coefficients (ρ = l1Ratio).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Penalty {
    pub alpha: f64,
    pub l1_ratio: f64,
}

impl Penalty {
    pub fn new(alpha: f64, l1_ratio: f64) -> Result<Penalty> {
        if !(alpha >= 0.0 && alpha.is_finite()) {
            return Err(KernelError::Value(format!("alpha: expected a finite number >= 0, got {alpha}")));
        }
        if !(0.0..=1.0).contains(&l1_ratio) {
            return Err(KernelError::Value(format!("l1Ratio: expected a number in [0, 1], got {l1_ratio}")));
        }
        Ok(Penalty { alpha, l1_ratio })
    }
    fn l1(&self) -> f64 {
        self.alpha * self.l1_ratio
    }
    fn l2(&self) -> f64 {
        self.alpha * (1.0 - self.l1_ratio)
    }

    /// Penalty value (L1 and L2 parts) at `beta`.
    pub fn value(&self, d: &Design, beta: &[f64]) -> f64 {
        let (mut a, mut b) = (0.0, 0.0);
        for (j, &v) in beta.iter().enumerate() {
            if !d.is_intercept(j) {
                a += v.abs();
                b += v * v;
            }
        }
        self.l1() * a + 0.5 * self.l2() * b
    }

    /// Adds the gradient and Hessian diagonal of the smooth (L2) part.
    pub fn add_smooth(&self, d: &Design, beta: &[f64], grad: &mut [f64], hessian: Option<&mut [f64]>) {
        let l2 = self.l2();
        let dim = beta.len();
        for j in 0..dim {
            if !d.is_intercept(j) {
                grad[j] += l2 * beta[j];
            }
        }
        if let Some(h) = hessian {
            for j in 0..dim {
                if !d.is_intercept(j) {
                    h[j * dim + j] += l2;
                }
            }
        }
    }

    /// Proximal operator of `step` times the L1 part: soft-thresholding, intercepts untouched.
    pub fn prox_l1(&self, d: &Design, beta: &mut [f64], step: f64) {
        let t = step * self.l1();
        for (j, v) in beta.iter_mut().enumerate() {
            if !d.is_intercept(j) {
                *v = v.signum() * (v.abs() - t).max(0.0);
            }
        }
    }
}

/// Penalty value and the gradient of its smooth (L2) part at `beta`, for a model with
/// `cols` features (and an intercept per output when `fit_intercept`).
pub fn penalty_value_grad(beta: &[f64], cols: usize, fit_intercept: bool, penalty: &Penalty) -> Result<(f64, Vec<f64>)> {
    let d = layout(beta.len(), cols, fit_intercept)?;
    let mut g = vec![0.0; beta.len()];
    penalty.add_smooth(&d, beta, &mut g, None);
    Ok((penalty.value(&d, beta), g))
}

/// Proximal step for the whole elastic net: prox of `step`·penalty at `beta`
/// (soft-threshold by step·α·ρ, then shrink by 1/(1 + step·α·(1−ρ))); intercepts untouched.
pub fn prox_elastic_net(beta: &[f64], cols: usize, fit_intercept: bool, step: f64, penalty: &Penalty) -> Result<Vec<f64>> {
    if !(step >= 0.0 && step.is_finite()) {
        return Err(KernelError::Value(format!("step: expected a finite number >= 0, got {step}")));
    }
    let d = layout(beta.len(), cols, fit_intercept)?;
    let mut out = beta.to_vec();
    penalty.prox_l1(&d, &mut out, step);
    let shrink = 1.0 / (1.0 + step * penalty.l2());
    for (j, v) in out.iter_mut().enumerate() {
        if !d.is_intercept(j) {
            *v *= shrink;
        }
    }
    Ok(out)
}

/// A design describing only the coefficient layout of a `dim`-long β.
fn layout(dim: usize, cols: usize, fit_intercept: bool) -> Result<Design> {
    let q = cols + fit_intercept as usize;
    if q == 0 || dim % q != 0 {
        return Err(KernelError::Shape(format!(
            "beta: expected a multiple of cols+intercept = {q} values, got {dim}"
        )));
    }
    let family = if dim / q > 1 { Family::Multinomial(dim / q) } else { Family::Normal };
    Ok(Design { family, rows: 0, cols, fit_intercept })
}

/// Soft-thresholding of every entry: sign(v)·max(|v| − t, 0).
pub fn soft_threshold(v: &mut [f64], t: f64) {
    for x in v.iter_mut() {
        *x = x.signum() * (x.abs() - t).max(0.0);
    }
}

/// L-BFGS two-loop recursion: the search direction −H·grad from the `m` most recent
/// pairs (`s`, `y`: `m x dim`, oldest first), with H₀ = (sᵀy / yᵀy)·I of the newest pair.
pub fn lbfgs_direction(grad: &[f64], s: &[f64], y: &[f64], m: usize) -> Result<Vec<f64>> {
    let dim = grad.len();
    check_len("s", s.len(), m * dim, &format!("m*dim = {m}*{dim}"))?;
    check_len("y", y.len(), m * dim, &format!("m*dim = {m}*{dim}"))?;
    let mut q = grad.to_vec();
    let mut alpha = vec![0.0; m];
    let rho: Vec<f64> = (0..m).map(|i| 1.0 / dot(&s[i * dim..(i + 1) * dim], &y[i * dim..(i + 1) * dim])).collect();
    for i in (0..m).rev() {
        let si = &s[i * dim..(i + 1) * dim];
        alpha[i] = rho[i] * dot(si, &q);
        for (qv, yv) in q.iter_mut().zip(&y[i * dim..(i + 1) * dim]) {
            *qv -= alpha[i] * yv;
        }
    }
    if m > 0 {
        let yl = &y[(m - 1) * dim..m * dim];
        let gamma = dot(&s[(m - 1) * dim..m * dim], yl) / dot(yl, yl);
        for v in q.iter_mut() {
            *v *= gamma;
        }
    }
    for i in 0..m {
        let beta = rho[i] * dot(&y[i * dim..(i + 1) * dim], &q);
        for (qv, sv) in q.iter_mut().zip(&s[i * dim..(i + 1) * dim]) {
            *qv += (alpha[i] - beta) * sv;
        }
    }
    for v in q.iter_mut() {
        *v = -*v;
    }
    Ok(q)
}

/// Whether an (s, y) pair may enter the L-BFGS memory: curvature sᵀy > ε‖s‖‖y‖.
pub fn lbfgs_pair_ok(s: &[f64], y: &[f64]) -> bool {
    let sy = dot(s, y);
    sy > 1e-10 * dot(s, s).sqrt() * dot(y, y).sqrt()
}

/// Line-search bookkeeping: whether step `t` along a direction with slope `slope` (= gᵀd < 0)
/// satisfies Armijo, and if not the next step to try (quadratic interpolation, kept in [0.1t, 0.5t]).
pub fn armijo_step(f0: f64, slope: f64, t: f64, f_new: f64, c1: f64) -> (bool, f64) {
    if f_new.is_finite() && f_new <= f0 + c1 * t * slope {
        return (true, t);
    }
    if !f_new.is_finite() {
        return (false, 0.1 * t);
    }
    let denom = 2.0 * (f_new - f0 - slope * t);
    let t_q = if denom > 0.0 { -slope * t * t / denom } else { 0.5 * t };
    (false, t_q.clamp(0.1 * t, 0.5 * t))
}

/// Newton step −(H + λI)⁻¹ g, with λ = 0 first and grown (1e-10·scale, ×100) until H + λI is
/// numerically positive definite: the small dense solve between distributed passes.
///
/// Numerically: every Cholesky pivot above 1e-12 of its diagonal entry. A direction the loss
/// does not change along (the common shift of a multinomial model's unpenalised intercepts)
/// leaves a pivot of rounding size, of either sign; taken as it is, it would send β that way by
/// (rounding in g) / (rounding in H), far enough to ruin the loss's precision.
pub fn newton_step(hessian: &[f64], grad: &[f64]) -> Result<Vec<f64>> {
    let n = grad.len();
    check_len("hessian", hessian.len(), n * n, &format!("dim*dim = {n}*{n}"))?;
    let scale = (0..n).map(|i| hessian[i * n + i].abs()).fold(0.0, f64::max).max(1e-300);
    let mut lambda = 0.0;
    let mut h = hessian.to_vec();
    for _ in 0..30 {
        for i in 0..n {
            h[i * n + i] = hessian[i * n + i] + lambda;
        }
        let factor = cholesky(&h, n).ok().filter(|l| (0..n).all(|j| l[j * n + j] * l[j * n + j] > 1e-12 * h[j * n + j]));
        if let Some(l) = factor {
            let mut step = cholesky_solve(&l, n, grad, 1)?;
            for v in step.iter_mut() {
                *v = -*v;
            }
            return Ok(step);
        }
        lambda = if lambda == 0.0 { 1e-10 * scale } else { lambda * 100.0 };
    }
    Err(KernelError::NotPositiveDefinite("hessian: not positive definite even after ridge regularisation".into()))
}

/// Which in-memory solver to run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Solver {
    Lbfgs,
    Newton,
    /// Proximal gradient (FISTA with backtracking); needed when the penalty has an L1 part.
    Proximal,
}

impl Solver {
    pub fn parse(name: &str) -> Result<Solver> {
        match name {
            "lbfgs" => Ok(Solver::Lbfgs),
            "newton" => Ok(Solver::Newton),
            "proximal" => Ok(Solver::Proximal),
            _ => Err(KernelError::Value(format!("solver: expected 'lbfgs', 'newton' or 'proximal', got '{name}'"))),
        }
    }
}

/// Options of the in-memory solvers.
#[derive(Debug, Clone, Copy)]
pub struct FitOptions {
    pub solver: Solver,
    pub penalty: Penalty,
    pub max_iter: usize,
    /// Stop when the max-norm of the (projected) gradient falls below `tol`.
    pub tol: f64,
}

/// Result of an in-memory fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub beta: Vec<f64>,
    pub iterations: usize,
    pub converged: bool,
    /// Final objective (mean loss + penalty).
    pub objective: f64,
}

/// An objective: value, gradient and optional Hessian at β.
type Objective<'a> = dyn Fn(&[f64], bool) -> Result<(f64, Vec<f64>, Vec<f64>)> + 'a;

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn minimise_newton(f: &Objective, beta0: Vec<f64>, max_iter: usize, tol: f64) -> Result<Fit> {
    let mut beta = beta0;
    let (mut fv, mut g, mut h) = f(&beta, true)?;
    for it in 0..max_iter {
        if max_abs(&g) < tol {
            return Ok(Fit { beta, iterations: it, converged: true, objective: fv });
        }
        let step = newton_step(&h, &g)?;
        let slope = dot(&g, &step);
        let mut t = 1.0;
        loop {
            let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
            let (ft, _, _) = f(&trial, false)?;
            let (ok, next) = armijo_step(fv, slope, t, ft, 1e-4);
            if ok || t < 1e-12 {
                beta = trial;
                break;
            }
            t = next;
        }
        (fv, g, h) = f(&beta, true)?;
    }
    let converged = max_abs(&g) < tol;
    Ok(Fit { beta, iterations: max_iter, converged, objective: fv })
}

fn minimise_lbfgs(f: &Objective, beta0: Vec<f64>, max_iter: usize, tol: f64) -> Result<Fit> {
    const MEMORY: usize = 10;
    let dim = beta0.len();
    let mut beta = beta0;
    let (mut fv, mut g, _) = f(&beta, false)?;
    let (mut s_hist, mut y_hist): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    for it in 0..max_iter {
        if max_abs(&g) < tol {
            return Ok(Fit { beta, iterations: it, converged: true, objective: fv });
        }
        let m = s_hist.len() / dim;
        let mut dir = lbfgs_direction(&g, &s_hist, &y_hist, m)?;
        let mut slope = dot(&g, &dir);
        if !(slope < 0.0) {
            dir = g.iter().map(|v| -v).collect();
            slope = dot(&g, &dir);
            s_hist.clear();
            y_hist.clear();
        }
        // First step without memory: scale so the trial moves by at most 1.
        let mut t = if m == 0 { (1.0 / max_abs(&dir)).min(1.0) } else { 1.0 };
        let (new_beta, new_f, new_g) = loop {
            let trial: Vec<f64> = beta.iter().zip(&dir).map(|(b, d)| b + t * d).collect();
            let (ft, gt, _) = f(&trial, false)?;
            let (ok, next) = armijo_step(fv, slope, t, ft, 1e-4);
            if ok || t < 1e-14 {
                break (trial, ft, gt);
            }
            t = next;
        };
        let s: Vec<f64> = new_beta.iter().zip(&beta).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = new_g.iter().zip(&g).map(|(a, b)| a - b).collect();
        if lbfgs_pair_ok(&s, &y) {
            if s_hist.len() / dim == MEMORY {
                s_hist.drain(..dim);
                y_hist.drain(..dim);
            }
            s_hist.extend(s);
            y_hist.extend(y);
        }
        let stalled = (fv - new_f).abs() <= 1e-16 * fv.abs().max(1.0) && t < 1e-12;
        // scipy's L-BFGS-B `ftol` as scikit-learn sets it (64 ε): a relative decrease
        // that small is the optimum to rounding, even where the gradient test cannot
        // be met (a tol below what the problem's conditioning allows)
        let flat = (fv - new_f) / fv.abs().max(new_f.abs()).max(1.0) <= 64.0 * f64::EPSILON;
        beta = new_beta;
        fv = new_f;
        g = new_g;
        if flat && !stalled {
            return Ok(Fit { beta, iterations: it + 1, converged: true, objective: fv });
        }
        if stalled {
            break;
        }
    }
    let converged = max_abs(&g) < tol;
    Ok(Fit { beta, iterations: max_iter, converged, objective: fv })
}

/// FISTA for smooth part `f` plus the L1 part of `penalty`; convergence on the prox-gradient map.
fn minimise_proximal(f: &Objective, d: &Design, penalty: &Penalty, beta0: Vec<f64>, max_iter: usize, tol: f64) -> Result<Fit> {
    let mut beta = beta0.clone();
    let mut z = beta0;
    let mut tk: f64 = 1.0;
    let mut lip_step = 1.0;
    let l1_value = |b: &[f64]| Penalty { alpha: penalty.l1(), l1_ratio: 1.0 }.value(d, b);
    for it in 0..max_iter {
        let (fz, gz, _) = f(&z, false)?;
        let next = loop {
            let mut cand: Vec<f64> = z.iter().zip(&gz).map(|(a, g)| a - lip_step * g).collect();
            penalty.prox_l1(d, &mut cand, lip_step);
            let diff: Vec<f64> = cand.iter().zip(&z).map(|(a, b)| a - b).collect();
            let (fc, _, _) = f(&cand, false)?;
            if fc <= fz + dot(&gz, &diff) + dot(&diff, &diff) / (2.0 * lip_step) + 1e-12 * fz.abs() || lip_step < 1e-20 {
                break cand;
            }
            lip_step *= 0.5;
        };
        let t_next = (1.0 + (1.0 + 4.0 * tk * tk).sqrt()) / 2.0;
        let moved = max_abs(&next.iter().zip(&beta).map(|(a, b)| a - b).collect::<Vec<_>>());
        z = next.iter().zip(&beta).map(|(n, b)| n + (tk - 1.0) / t_next * (n - b)).collect();
        beta = next;
        tk = t_next;
        if moved / lip_step < tol {
            let (fb, _, _) = f(&beta, false)?;
            return Ok(Fit { objective: fb + l1_value(&beta), beta, iterations: it + 1, converged: true });
        }
    }
    let (fb, _, _) = f(&beta, false)?;
    Ok(Fit { objective: fb + l1_value(&beta), beta, iterations: max_iter, converged: false })
}

/// Fits a GLM on data held in memory: minimises (1/Σw)·Σ wᵢ lossᵢ + penalty.
/// Starts from `beta0` (zeros when None). The L1 part needs `Solver::Proximal`.
pub fn fit<T: Element, Y: Element>(d: &Design, x: &[T], y: &[Y], weights: Option<&[f64]>, beta0: Option<&[f64]>, opts: &FitOptions) -> Result<Fit> {
    let start = beta0.map(|b| b.to_vec()).unwrap_or_else(|| vec![0.0; d.dim()]);
    d.check(x, y, weights, &start)?;
    if opts.penalty.l1() > 0.0 && opts.solver != Solver::Proximal {
        return Err(KernelError::Value(format!(
            "solver: an L1 penalty (alpha*l1Ratio = {}) needs solver 'proximal'",
            opts.penalty.l1()
        )));
    }
    let pen = opts.penalty;
    let smooth = |b: &[f64], want_h: bool| -> Result<(f64, Vec<f64>, Vec<f64>)> {
        let part = glm_partial(d, x, y, weights, b, want_h)?;
        let n = part.weight_sum.max(f64::MIN_POSITIVE);
        let mut g: Vec<f64> = part.grad.iter().map(|v| v / n).collect();
        let mut h: Vec<f64> = part.hessian.iter().map(|v| v / n).collect();
        let l2_only = Penalty { alpha: pen.l2(), l1_ratio: 0.0 };
        pen.add_smooth(d, b, &mut g, if want_h { Some(&mut h) } else { None });
        Ok((part.loss / n + l2_only.value(d, b), g, h))
    };
    let mut result = match opts.solver {
        Solver::Newton => minimise_newton(&smooth, start, opts.max_iter, opts.tol),
        Solver::Lbfgs => minimise_lbfgs(&smooth, start, opts.max_iter, opts.tol),
        Solver::Proximal => minimise_proximal(&smooth, d, &pen, start, opts.max_iter, opts.tol),
    }?;
    center_multinomial_intercepts(d, &mut result.beta);
    Ok(result)
}

/// Softmax is unchanged by adding one constant to every class's intercept, and intercepts
/// are not penalised, so only their differences are determined: report them centred
/// (mean zero), as scikit-learn does, so every solver returns the same coefficients.
fn center_multinomial_intercepts(d: &Design, beta: &mut [f64]) {
    if let (Family::Multinomial(k), true) = (d.family, d.fit_intercept) {
        let q = d.q();
        let mean = (0..k).map(|c| beta[c * q + d.cols]).sum::<f64>() / k as f64;
        for c in 0..k {
            beta[c * q + d.cols] -= mean;
        }
    }
}

/// ADMM local step (dask-glm's consensus ADMM): argmin_β Σ wᵢ lossᵢ(β) + (ρ/2)‖β − z + u‖²
/// over this chunk, by Newton from `beta0`.
pub fn admm_local_solve<T: Element, Y: Element>(
    d: &Design,
    x: &[T],
    y: &[Y],
    weights: Option<&[f64]>,
    beta0: &[f64],
    z: &[f64],
    u: &[f64],
    rho: f64,
    max_iter: usize,
    tol: f64,
) -> Result<Fit> {
    d.check(x, y, weights, beta0)?;
    check_len("z", z.len(), d.dim(), "dim (length of beta)")?;
    check_len("u", u.len(), d.dim(), "dim (length of beta)")?;
    if !(rho > 0.0 && rho.is_finite()) {
        return Err(KernelError::Value(format!("rho: expected a finite number > 0, got {rho}")));
    }
    let dim = d.dim();
    let obj = |b: &[f64], want_h: bool| -> Result<(f64, Vec<f64>, Vec<f64>)> {
        let part = glm_partial(d, x, y, weights, b, want_h)?;
        let mut g = part.grad;
        let mut h = part.hessian;
        let mut f = part.loss;
        for j in 0..dim {
            let r = b[j] - z[j] + u[j];
            f += 0.5 * rho * r * r;
            g[j] += rho * r;
            if want_h {
                h[j * dim + j] += rho;
            }
        }
        Ok((f, g, h))
    };
    minimise_newton(&obj, beta0.to_vec(), max_iter, tol)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::{gram, solve_spd};
    use crate::random::{fill_normal_f64, fill_uniform_f64};

    fn randn(n: usize, stream: u64) -> Vec<f64> {
        let mut v = vec![0.0; n];
        fill_normal_f64(&mut v, 21, stream, 0.0, 1.0).unwrap();
        v
    }

    fn problem(family: Family, rows: usize, cols: usize, stream: u64) -> (Design, Vec<f64>, Vec<f64>, Vec<f64>) {
        let d = Design { family, rows, cols, fit_intercept: true };
        let x = randn(rows * cols, stream);
        let mut u = vec![0.0; rows];
        fill_uniform_f64(&mut u, 21, stream + 1000, 0.0, 1.0).unwrap();
        let y: Vec<f64> = match family {
            Family::Normal => randn(rows, stream + 1),
            Family::Logistic => u.iter().map(|&v| (v < 0.4) as u8 as f64).collect(),
            Family::Poisson => u.iter().map(|&v| (v * 4.0).floor()).collect(),
            Family::Multinomial(k) => u.iter().map(|&v| (v * k as f64).floor()).collect(),
        };
        let mut w = vec![0.0; rows];
        fill_uniform_f64(&mut w, 21, stream + 2000, 0.5, 2.0).unwrap();
        (d, x, y, w)
    }

    const FAMILIES: [Family; 4] = [Family::Normal, Family::Logistic, Family::Poisson, Family::Multinomial(3)];

    #[test]
    fn gradient_and_hessian_match_finite_differences() {
        for (s, &fam) in FAMILIES.iter().enumerate() {
            let (d, x, y, w) = problem(fam, 30, 3, 10 * s as u64);
            let beta: Vec<f64> = randn(d.dim(), 99).iter().map(|v| 0.3 * v).collect();
            let p = glm_partial(&d, &x, &y, Some(&w), &beta, true).unwrap();
            let eps = 1e-6;
            for j in 0..d.dim() {
                let mut bp = beta.clone();
                let mut bm = beta.clone();
                bp[j] += eps;
                bm[j] -= eps;
                let pp = glm_partial(&d, &x, &y, Some(&w), &bp, false).unwrap();
                let pm = glm_partial(&d, &x, &y, Some(&w), &bm, false).unwrap();
                let fd = (pp.loss - pm.loss) / (2.0 * eps);
                assert!((fd - p.grad[j]).abs() < 1e-5 * (1.0 + fd.abs()), "{fam:?} grad {j}: {fd} vs {}", p.grad[j]);
                for i in 0..d.dim() {
                    let fd_h = (pp.grad[i] - pm.grad[i]) / (2.0 * eps);
                    let h = p.hessian[i * d.dim() + j];
                    assert!((fd_h - h).abs() < 1e-5 * (1.0 + fd_h.abs()), "{fam:?} H[{i},{j}]: {fd_h} vs {h}");
                }
            }
            let v = randn(d.dim(), 7);
            let hv = glm_hvp(&d, &x, &y, Some(&w), &beta, &v).unwrap();
            for i in 0..d.dim() {
                let direct: f64 = (0..d.dim()).map(|j| p.hessian[i * d.dim() + j] * v[j]).sum();
                assert!((direct - hv[i]).abs() < 1e-9 * (1.0 + direct.abs()));
            }
        }
    }

    /// The Hessian over several blocks (the Gram kernel: rows scaled by √(w·h), and for the
    /// multinomial family also by √w·p), and with some negative weights (row by row), against
    /// Σ w·h·x xᵀ, and Σ w (diag(p) − p pᵀ) ⊗ x xᵀ for the multinomial family, summed here row by
    /// row. The multinomial case also runs with large coefficients, where some p are near 1.
    #[test]
    fn hessians_equal_the_weighted_sum_of_outer_products() {
        for fam in [Family::Normal, Family::Logistic, Family::Poisson, Family::Multinomial(3), Family::Multinomial(4)] {
            let (d, x, y, w) = problem(fam, 250, 5, 40);
            let mut w_neg = w.clone();
            for v in w_neg.iter_mut().step_by(7) {
                *v = -*v;
            }
            let (q, dim, k) = (d.q(), d.dim(), d.family.outputs());
            for scale in [0.2, 3.0] {
                let beta: Vec<f64> = randn(dim, 41).iter().map(|v| scale * v).collect();
                for weights in [&w, &w_neg] {
                    let p = glm_partial(&d, &x, &y, Some(weights), &beta, true).unwrap();
                    let mut expect = vec![0.0; dim * dim];
                    for i in 0..d.rows {
                        let xq: Vec<f64> = x[i * 5..(i + 1) * 5].iter().copied().chain([1.0]).collect();
                        let eta: Vec<f64> = (0..k).map(|c| xq.iter().zip(&beta[c * q..]).map(|(a, b)| a * b).sum()).collect();
                        // s[a][b]: the row's weight on x xᵀ in block (a, b).
                        let s: Vec<Vec<f64>> = if let Family::Multinomial(_) = fam {
                            let mut pr = vec![0.0; k];
                            softmax(&eta, &mut pr);
                            (0..k).map(|a| (0..k).map(|b| weights[i] * (if a == b { pr[a] } else { 0.0 } - pr[a] * pr[b])).collect()).collect()
                        } else {
                            vec![vec![weights[i] * binary_terms(fam, eta[0], y[i]).2]]
                        };
                        for (a, sa) in s.iter().enumerate() {
                            for (b, sab) in sa.iter().enumerate() {
                                for ii in 0..q {
                                    for jj in 0..q {
                                        expect[(a * q + ii) * dim + b * q + jj] += sab * xq[ii] * xq[jj];
                                    }
                                }
                            }
                        }
                    }
                    let negative = weights.iter().any(|&v| v < 0.0);
                    for (got, want) in p.hessian.iter().zip(&expect) {
                        assert!((got - want).abs() <= 1e-9 * (1.0 + want.abs()), "{fam:?} scale {scale} negative weights: {negative}: {got} vs {want}");
                    }
                }
                if !matches!(fam, Family::Multinomial(_)) {
                    break;
                }
            }
        }
    }

    /// A Hessian singular but for rounding (min eigenvalue 1e-15 of 2) with a gradient whose
    /// component along the near-null direction is rounding too: the step must not follow it
    /// (the exact solve would move 100 that way), and must still solve the rest.
    #[test]
    fn newton_step_does_not_follow_a_rounding_size_pivot() {
        let c = 1.0 - 1e-15;
        let h = [1.0, -c, -c, 1.0];
        let g = [1.0 + 1e-13, -1.0 + 1e-13];
        let s = newton_step(&h, &g).unwrap();
        let (along_null, along_range) = ((s[0] + s[1]) / 2.0, (s[0] - s[1]) / 2.0);
        assert!(along_null.abs() < 1e-2, "{s:?}");
        // H's other eigenvalue is 1 + c ≈ 2 for the direction (1, −1): the step there is −1/2.
        assert!((along_range + 0.5).abs() < 1e-9, "{s:?}");
    }

    /// For p near 1 the multinomial Hessian's diagonal blocks take 1 − p as the other classes'
    /// sum: with one class at p = 1 − 1e-12, Σ p(1 − p) x xᵀ keeps its relative precision
    /// (1 − p computed as a subtraction would have lost 4 of its 16 digits).
    #[test]
    fn multinomial_hessian_keeps_precision_when_one_class_dominates() {
        let d = Design { family: Family::Multinomial(2), rows: 1, cols: 1, fit_intercept: false };
        // η = (t, 0) with e^−t = 1e-12: p_1 = 1/(1 + e^t).
        let t = 1e12f64.ln();
        let (x, y) = ([1.0], [0.0]);
        let h = glm_partial(&d, &x, &y, None, &[t, 0.0], true).unwrap().hessian;
        let e = (-t).exp();
        let want = e / ((1.0 + e) * (1.0 + e));
        assert!((h[0] - want).abs() <= 1e-14 * want, "{} vs {want}", h[0]);
        assert!((h[3] - want).abs() <= 1e-14 * want, "{} vs {want}", h[3]);
    }

    /// f32 rows (widened a block at a time) give exactly what their f64 widening gives, over
    /// several blocks and a partial one, for every family, with the Hessian.
    #[test]
    fn f32_rows_equal_their_f64_widening() {
        for &fam in &FAMILIES {
            let (d, x, y, w) = problem(fam, 250, 5, 60);
            let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let widened: Vec<f64> = x32.iter().map(|&v| v as f64).collect();
            let beta: Vec<f64> = randn(d.dim(), 61).iter().map(|v| 0.3 * v).collect();
            let a = glm_partial(&d, &x32, &y, Some(&w), &beta, true).unwrap();
            let b = glm_partial(&d, &widened, &y, Some(&w), &beta, true).unwrap();
            assert_eq!(a, b, "{fam:?}");
        }
    }

    /// `partial_terms` (compiled for AVX2 where the CPU has it) gives the plain build's bits.
    #[test]
    fn the_avx2_build_of_the_terms_gives_the_plain_build_s_bits() {
        for &fam in &FAMILIES {
            let (d, x, y, w) = problem(fam, 300, 6, 50);
            let beta: Vec<f64> = randn(d.dim(), 51).iter().map(|v| 0.3 * v).collect();
            let c = Chunk { d: &d, x: &x, y: &y, weights: Some(&w), beta: &beta };
            let dim = d.dim();
            let (mut g1, mut h1, mut g2, mut h2) = (vec![0.0; dim], vec![0.0; dim * dim], vec![0.0; dim], vec![0.0; dim * dim]);
            let a = partial_terms(&c, &mut g1, Some(&mut h1));
            let b = partial_terms_body(&c, &mut g2, Some(&mut h2));
            assert_eq!((a.0.to_bits(), a.1.to_bits()), (b.0.to_bits(), b.1.to_bits()), "{fam:?}");
            assert!(g1.iter().zip(&g2).chain(h1.iter().zip(&h2)).all(|(p, q)| p.to_bits() == q.to_bits()), "{fam:?}");
        }
    }

    #[test]
    fn partials_over_chunks_add_up_to_the_whole() {
        for &fam in &FAMILIES {
            let (d, x, y, w) = problem(fam, 40, 2, 3);
            let beta = vec![0.1; d.dim()];
            let whole = glm_partial(&d, &x, &y, Some(&w), &beta, true).unwrap();
            let half = Design { rows: 20, ..d };
            let a = glm_partial(&half, &x[..40], &y[..20], Some(&w[..20]), &beta, true).unwrap();
            let b = glm_partial(&half, &x[40..], &y[20..], Some(&w[20..]), &beta, true).unwrap();
            assert!((a.loss + b.loss - whole.loss).abs() < 1e-10);
            assert!(whole.grad.iter().zip(a.grad.iter().zip(&b.grad)).all(|(t, (p, q))| (p + q - t).abs() < 1e-10));
        }
    }

    #[test]
    fn normal_family_solvers_reach_the_ridge_closed_form() {
        let (mut d, x, y, _) = problem(Family::Normal, 80, 4, 5);
        d.fit_intercept = false;
        let alpha = 0.3;
        // (XᵀX/n + αI) β = Xᵀy/n.
        let g = gram(&x, Some(&y), 80, 4).unwrap();
        let mut a: Vec<f64> = g.xtx.iter().map(|v| v / 80.0).collect();
        for i in 0..4 {
            a[i * 4 + i] += alpha;
        }
        let rhs: Vec<f64> = g.xty.iter().map(|v| v / 80.0).collect();
        let exact = solve_spd(&a, 4, &rhs, 1).unwrap();
        for solver in [Solver::Newton, Solver::Lbfgs, Solver::Proximal] {
            let opts = FitOptions { solver, penalty: Penalty::new(alpha, 0.0).unwrap(), max_iter: 500, tol: 1e-10 };
            let f = fit(&d, &x, &y, None, None, &opts).unwrap();
            assert!(f.converged, "{solver:?}");
            assert!(f.beta.iter().zip(&exact).all(|(a, b)| (a - b).abs() < 1e-7), "{solver:?} {:?} vs {exact:?}", f.beta);
        }
    }

    #[test]
    fn lasso_zeroes_small_coefficients_and_satisfies_kkt() {
        let (d, x, y, _) = problem(Family::Normal, 100, 5, 8);
        let pen = Penalty::new(0.2, 1.0).unwrap();
        let opts = FitOptions { solver: Solver::Proximal, penalty: pen, max_iter: 5000, tol: 1e-10 };
        let f = fit(&d, &x, &y, None, None, &opts).unwrap();
        assert!(f.converged);
        // KKT: |gⱼ| ≤ α where βⱼ = 0, gⱼ = −α·sign(βⱼ) elsewhere; intercept gradient 0.
        let p = glm_partial(&d, &x, &y, None, &f.beta, false).unwrap();
        for j in 0..d.dim() {
            let g = p.grad[j] / 100.0;
            if d.is_intercept(j) {
                assert!(g.abs() < 1e-7);
            } else if f.beta[j] == 0.0 {
                assert!(g.abs() <= 0.2 + 1e-7);
            } else {
                assert!((g + 0.2 * f.beta[j].signum()).abs() < 1e-6, "j {j} g {g} b {}", f.beta[j]);
            }
        }
        let bad = FitOptions { solver: Solver::Lbfgs, ..opts };
        assert!(fit(&d, &x, &y, None, None, &bad).unwrap_err().to_string().starts_with("solver:"));
    }

    #[test]
    fn newton_and_lbfgs_agree_for_every_family() {
        for &fam in &FAMILIES {
            let (d, x, y, w) = problem(fam, 60, 3, 30);
            let pen = Penalty::new(0.05, 0.0).unwrap();
            let a = fit(&d, &x, &y, Some(&w), None, &FitOptions { solver: Solver::Newton, penalty: pen, max_iter: 100, tol: 1e-10 }).unwrap();
            let b = fit(&d, &x, &y, Some(&w), None, &FitOptions { solver: Solver::Lbfgs, penalty: pen, max_iter: 1000, tol: 1e-9 }).unwrap();
            assert!(a.converged && b.converged, "{fam:?}");
            assert!(a.beta.iter().zip(&b.beta).all(|(p, q)| (p - q).abs() < 1e-6), "{fam:?}");
        }
    }

    #[test]
    fn admm_local_solve_has_zero_augmented_gradient() {
        let (d, x, y, _) = problem(Family::Logistic, 50, 2, 40);
        let z = vec![0.2, -0.1, 0.05];
        let u = vec![0.01, 0.02, -0.03];
        let f = admm_local_solve(&d, &x, &y, None, &[0.0; 3], &z, &u, 2.0, 50, 1e-10).unwrap();
        let p = glm_partial(&d, &x, &y, None, &f.beta, false).unwrap();
        for j in 0..3 {
            assert!((p.grad[j] + 2.0 * (f.beta[j] - z[j] + u[j])).abs() < 1e-8);
        }
    }

    #[test]
    fn lbfgs_direction_satisfies_the_secant_condition_and_scales_like_h0() {
        // BFGS keeps H·y_newest = s_newest, so the direction for g = y_newest is −s_newest.
        let s = [1.0, 0.0, 0.3, 1.0];
        let y = [4.0, 1.0, 1.9, 3.3];
        let dir = lbfgs_direction(&y[2..], &s, &y, 2).unwrap();
        assert!((dir[0] + 0.3).abs() < 1e-12 && (dir[1] + 1.0).abs() < 1e-12, "{dir:?}");
        // With no memory the direction is plain steepest descent.
        assert_eq!(lbfgs_direction(&[1.0, -2.0], &[], &[], 0).unwrap(), vec![-1.0, 2.0]);
        // Newton step on a quadratic solves A d = −g.
        let a = [4.0, 1.0, 1.0, 3.0];
        let nd = newton_step(&a, &[1.0, 2.0]).unwrap();
        assert!((4.0 * nd[0] + nd[1] + 1.0).abs() < 1e-12 && (nd[0] + 3.0 * nd[1] + 2.0).abs() < 1e-12);
        assert!(lbfgs_pair_ok(&s[..2], &y[..2]));
        assert!(!lbfgs_pair_ok(&[1.0, 0.0], &[-1.0, 0.0]));
        let (ok, next) = armijo_step(1.0, -1.0, 1.0, 2.0, 1e-4);
        assert!(!ok && (0.1..=0.5).contains(&next));
    }

    #[test]
    fn prox_elastic_net_minimises_its_objective() {
        // prox_t(v) = argmin_b ½‖b − v‖² + t·pen(b); check against a fine 1-D grid per coordinate.
        let pen = Penalty::new(0.8, 0.4).unwrap();
        let v = [1.5, -0.2, 0.7, 3.0];
        let out = prox_elastic_net(&v, 3, true, 0.5, &pen).unwrap();
        assert_eq!(out[3], 3.0);
        for j in 0..3 {
            let obj = |b: f64| 0.5 * (b - v[j]).powi(2) + 0.5 * (0.32 * b.abs() + 0.5 * 0.48 * b * b);
            let best = (-40000..=40000).map(|i| i as f64 * 1e-4).min_by(|a, b| obj(*a).partial_cmp(&obj(*b)).unwrap()).unwrap();
            assert!((out[j] - best).abs() < 2e-4, "{j}: {} vs {best}", out[j]);
        }
        let (value, g) = penalty_value_grad(&v, 3, true, &pen).unwrap();
        assert!((value - (0.32 * 2.4 + 0.24 * (2.25 + 0.04 + 0.49))).abs() < 1e-12);
        assert!((g[0] - 0.48 * 1.5).abs() < 1e-12 && g[3] == 0.0);
        assert!(penalty_value_grad(&v, 2, true, &pen).unwrap_err().to_string().starts_with("beta:"));
    }

    #[test]
    fn bad_input_names_the_argument() {
        let d = Design { family: Family::Multinomial(3), rows: 2, cols: 1, fit_intercept: false };
        let e = glm_partial(&d, &[1.0, 2.0], &[0.0, 3.0], None, &[0.0; 3], false).unwrap_err();
        assert!(e.to_string().starts_with("y:"), "{e}");
        let e = glm_partial(&d, &[1.0, 2.0], &[0.0, 1.0], None, &[0.0; 2], false).unwrap_err();
        assert!(e.to_string().starts_with("beta: expected classes*(cols+intercept)"), "{e}");
        assert!(Family::parse("gamma", 0).is_err());
    }
}
