/**
 * Distributed solvers for penalised generalised linear models.
 *
 * The objective, in the kernels' normalised form, is
 *
 *   F(β) = (1/W)·Σ w·loss(β) + α·(ρ‖β‖₁ + ½(1−ρ)‖β‖²)      (intercepts unpenalised)
 *
 * where W = Σ w. scikit-learn's `C·Σ loss + penalty` is the same problem with
 * α = 1/(C·W). Every solver evaluates the data term only through one tree
 * reduction of per-chunk kernel partials (loss, gradient, optionally Hessian)
 * per step, so the data stays on the workers; the small dense steps between
 * passes (L-BFGS two-loop, Newton step, proximal operator, ADMM averaging) run
 * here in the client with the kernels' helpers.
 *
 * - `lbfgs`, `newton`, `gradient_descent`: smooth problems (ρ = 0), Armijo
 *   backtracking; stop when ‖∇F‖∞ ≤ tol (scipy's L-BFGS-B `gtol`, as
 *   scikit-learn uses it).
 * - `proximal_grad`: FISTA with backtracking and adaptive restart, any ρ; stops
 *   when the gradient mapping ‖(β − β⁺)/t‖∞ ≤ tol.
 * - `admm`: consensus ADMM (Boyd et al. 2011, §7–8), one local Newton solve per
 *   chunk as a task, residual balancing of ρ_admm; stops when the primal and
 *   dual residuals fall under tol (relative).
 */
import { native } from '../../native.js';
import type { ChunkedData } from '../chunked.js';
import type { GlmDesign, GlmPartial } from './glm-ops.js';

export type GlmSolver = 'lbfgs' | 'newton' | 'gradient_descent' | 'proximal_grad' | 'admm';
export const GLM_SOLVERS: readonly GlmSolver[] = ['lbfgs', 'newton', 'gradient_descent', 'proximal_grad', 'admm'];

export interface GlmProblem {
  /** X with y (class indices or targets) as its companion, then the sample weights when `weighted`, chunked alike */
  data: ChunkedData;
  weighted?: boolean;
  design: GlmDesign;
  /** number of features */
  cols: number;
  alpha: number;
  l1Ratio: number;
}

export interface GlmSolveOptions {
  solver: GlmSolver;
  maxIter: number;
  tol: number;
}

export interface GlmSolution {
  beta: Float64Array;
  nIter: number;
  converged: boolean;
  objective: number;
}

/** Solves the problem with the named solver, from β = 0. */
export async function solveGlm(p: GlmProblem, o: GlmSolveOptions): Promise<GlmSolution> {
  const f = new Objective(p);
  switch (o.solver) {
    case 'lbfgs': return lbfgs(f, o);
    case 'newton': return newton(f, o);
    case 'gradient_descent': return gradientDescent(f, o);
    case 'proximal_grad': return proximalGradient(f, o);
    case 'admm': return admm(f, o);
  }
}

/** Coefficients per output (features + intercept). */
export function outputs(d: GlmDesign): number {
  return d.family === 'multinomial' ? d.classes! : 1;
}

/** F, its smooth part and gradients at β, each from one pass over the data. */
class Objective {
  readonly dim: number;
  readonly q: number;
  passes = 0;
  private weightSum?: number;

  constructor(readonly p: GlmProblem) {
    this.q = p.cols + (p.design.fitIntercept ? 1 : 0);
    this.dim = outputs(p.design) * this.q;
  }

  isIntercept(j: number): boolean {
    return this.p.design.fitIntercept && j % this.q === this.p.cols;
  }

  /** The data term (1/W)·Σ w·loss with its gradient (and Hessian) at β. */
  async data(beta: Float64Array, hessian = false): Promise<{ loss: number; grad: Float64Array; hessian: Float64Array }> {
    this.passes++;
    const r = await this.p.data.reduce<GlmPartial>(this.p.weighted ? 'ml.glm.partialWeighted' : 'ml.glm.partial', () => [this.p.design, beta, hessian], 'ml.glm.partialCombine');
    if (!Number.isFinite(r.loss)) {
      if (this.passes === 1) throw new RangeError('X: the loss at β = 0 is not finite: X holds NaN or Infinity');
      return { loss: Infinity, grad: r.grad, hessian: r.hessian };
    }
    this.weightSum = r.weightSum;
    const w = r.weightSum;
    return { loss: r.loss / w, grad: r.grad.map((g) => g / w), hessian: r.hessian.map((h) => h / w) };
  }

  /** Σ w over the data (known after the first pass). */
  get W(): number {
    return this.weightSum!;
  }

  /** The smooth objective (data term + L2 part of the penalty), gradient and optionally Hessian. */
  async smooth(beta: Float64Array, hessian = false): Promise<{ f: number; grad: Float64Array; hessian: Float64Array }> {
    const d = await this.data(beta, hessian);
    const l2 = this.p.alpha * (1 - this.p.l1Ratio);
    let f = d.loss;
    const grad = d.grad;
    for (let j = 0; j < this.dim; j++) {
      if (this.isIntercept(j)) continue;
      f += 0.5 * l2 * beta[j] * beta[j];
      grad[j] += l2 * beta[j];
      if (hessian) d.hessian[j * this.dim + j] += l2;
    }
    return { f, grad, hessian: d.hessian };
  }

  /** α·ρ·‖β‖₁ over non-intercept coefficients (the non-smooth part). */
  l1(beta: Float64Array): number {
    let s = 0;
    for (let j = 0; j < this.dim; j++) if (!this.isIntercept(j)) s += Math.abs(beta[j]);
    return this.p.alpha * this.p.l1Ratio * s;
  }

  prox(beta: Float64Array, step: number): Float64Array {
    return native.proxElasticNet(beta, this.p.cols, this.p.design.fitIntercept, step, this.p.alpha, this.p.l1Ratio);
  }
}

const ARMIJO_C1 = 1e-4;
const MAX_LINE_SEARCH = 40;
const LBFGS_MEMORY = 10;
/** A relative decrease of F below this ends the run as converged (scipy's `ftol` as scikit-learn sets it). */
const FTOL = 64 * Number.EPSILON;

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(beta: Float64Array, t: number, d: Float64Array): Float64Array {
  return beta.map((b, i) => b + t * d[i]);
}

function requireSmooth(f: Objective, solver: string): void {
  if (f.p.l1Ratio > 0) throw new RangeError(`solver: '${solver}' handles the 'l2' penalty or none; use 'proximal_grad' or 'admm' for 'l1' and 'elasticnet'`);
}

/**
 * Backtracking along `dir` from β (F = f0, slope = ∇F·dir < 0), starting at
 * step `t0`; the accepted point comes with its gradient (one pass per trial).
 */
async function lineSearch(f: Objective, beta: Float64Array, f0: number, slope: number, dir: Float64Array, t0: number, hessian = false) {
  let t = t0;
  for (let k = 0; k < MAX_LINE_SEARCH; k++) {
    const next = axpy(beta, t, dir);
    const e = await f.smooth(next, hessian);
    const r = native.armijoStep(f0, slope, t, e.f, ARMIJO_C1);
    if (r.accepted) return { beta: next, t, ...e };
    t = r.nextStep;
  }
  return undefined;
}

async function lbfgs(f: Objective, o: GlmSolveOptions): Promise<GlmSolution> {
  requireSmooth(f, 'lbfgs');
  let beta: Float64Array = new Float64Array(f.dim);
  let cur = await f.smooth(beta);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  for (let iter = 0; iter < o.maxIter; iter++) {
    if (maxAbs(cur.grad) <= o.tol) return { beta, nIter: iter, converged: true, objective: cur.f };
    let dir = S.length === 0 ? cur.grad.map((g) => -g) : native.lbfgsDirection(cur.grad, flat(S), flat(Y), S.length);
    let slope = dot(cur.grad, dir);
    if (!(slope < 0)) {
      // not a descent direction (rounding in the memory): forget it and go down the gradient
      S.length = 0;
      Y.length = 0;
      dir = cur.grad.map((g) => -g);
      slope = dot(cur.grad, dir);
    }
    // the first step is scaled so that it moves β by at most 1 (scipy does the same)
    const t0 = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const next = await lineSearch(f, beta, cur.f, slope, dir, t0);
    if (next === undefined) return { beta, nIter: iter, converged: false, objective: cur.f };
    const s = next.beta.map((b, i) => b - beta[i]);
    const y = next.grad.map((g, i) => g - cur.grad[i]);
    if (native.lbfgsPairOk(s, y)) {
      S.push(s);
      Y.push(y);
      if (S.length > LBFGS_MEMORY) { S.shift(); Y.shift(); }
    }
    const decrease = (cur.f - next.f) / Math.max(Math.abs(cur.f), Math.abs(next.f), 1);
    beta = next.beta;
    cur = next;
    if (decrease <= FTOL) return { beta, nIter: iter + 1, converged: true, objective: cur.f };
  }
  return { beta, nIter: o.maxIter, converged: maxAbs(cur.grad) <= o.tol, objective: cur.f };
}

function flat(rows: Float64Array[]): Float64Array {
  const out = new Float64Array(rows.length * (rows[0]?.length ?? 0));
  rows.forEach((r, i) => out.set(r, i * r.length));
  return out;
}

async function newton(f: Objective, o: GlmSolveOptions): Promise<GlmSolution> {
  requireSmooth(f, 'newton');
  let beta: Float64Array = new Float64Array(f.dim);
  let cur = await f.smooth(beta, true);
  for (let iter = 0; iter < o.maxIter; iter++) {
    if (maxAbs(cur.grad) <= o.tol) return { beta, nIter: iter, converged: true, objective: cur.f };
    const dir = native.newtonStep(cur.hessian, cur.grad);
    const slope = dot(cur.grad, dir);
    const next = await lineSearch(f, beta, cur.f, slope, dir, 1, true);
    if (next === undefined) return { beta, nIter: iter, converged: false, objective: cur.f };
    beta = next.beta;
    cur = next;
  }
  return { beta, nIter: o.maxIter, converged: maxAbs(cur.grad) <= o.tol, objective: cur.f };
}

async function gradientDescent(f: Objective, o: GlmSolveOptions): Promise<GlmSolution> {
  requireSmooth(f, 'gradient_descent');
  let beta: Float64Array = new Float64Array(f.dim);
  let cur = await f.smooth(beta);
  let t = 1;
  for (let iter = 0; iter < o.maxIter; iter++) {
    if (maxAbs(cur.grad) <= o.tol) return { beta, nIter: iter, converged: true, objective: cur.f };
    const dir = cur.grad.map((g) => -g);
    // try a longer step than last time first: the accepted step adapts to the curvature
    const next = await lineSearch(f, beta, cur.f, dot(cur.grad, dir), dir, t * 2);
    if (next === undefined) return { beta, nIter: iter, converged: false, objective: cur.f };
    t = next.t;
    beta = next.beta;
    cur = next;
  }
  return { beta, nIter: o.maxIter, converged: maxAbs(cur.grad) <= o.tol, objective: cur.f };
}

/** FISTA on smooth part + α·pen, with backtracking on the step and restart when F goes up. */
async function proximalGradient(f: Objective, o: GlmSolveOptions): Promise<GlmSolution> {
  let beta: Float64Array = new Float64Array(f.dim);
  let yPoint: Float64Array = beta;
  let momentum = 1;
  let t = 1;
  let fBeta = Infinity;
  for (let iter = 0; iter < o.maxIter; iter++) {
    const at = await f.data(yPoint);
    let next: Float64Array | undefined;
    let fNext = 0;
    for (let k = 0; k < MAX_LINE_SEARCH; k++) {
      const cand = f.prox(axpy(yPoint, -t, at.grad), t);
      const diff = cand.map((c, i) => c - yPoint[i]);
      const e = await f.data(cand);
      // sufficient decrease of the data term against its quadratic model at yPoint
      if (e.loss <= at.loss + dot(at.grad, diff) + dot(diff, diff) / (2 * t)) {
        next = cand;
        fNext = e.loss + penaltyValue(f, cand);
        break;
      }
      t /= 2;
    }
    if (next === undefined) return { beta, nIter: iter, converged: false, objective: fBeta };
    const mapping = maxAbs(next.map((c, i) => (c - yPoint[i]) / t));
    if (mapping <= o.tol) {
      // converged; checked before the restart test, which rounding noise trips at the optimum
      return fNext <= fBeta ? { beta: next, nIter: iter + 1, converged: true, objective: fNext } : { beta, nIter: iter + 1, converged: true, objective: fBeta };
    }
    if (fNext > fBeta && momentum > 1) {
      // adaptive restart (O'Donoghue & Candès): drop the momentum, step from β itself.
      // A plain proximal step (momentum 1) is always taken, so rounding noise near
      // the optimum cannot restart the same step forever.
      momentum = 1;
      yPoint = beta;
      continue;
    }
    const m2 = (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
    yPoint = next.map((c, i) => c + ((momentum - 1) / m2) * (c - beta[i]));
    momentum = m2;
    beta = next;
    fBeta = fNext;
    t *= 1.5; // let the step grow again after backtracking
  }
  return { beta, nIter: o.maxIter, converged: false, objective: fBeta };
}

function penaltyValue(f: Objective, beta: Float64Array): number {
  return native.glmPenalty(beta, f.p.cols, f.p.design.fitIntercept, f.p.alpha, f.p.l1Ratio).value;
}

/**
 * Consensus ADMM: minimise Σᵢ Lᵢ(βᵢ) + W·α·pen(z) subject to βᵢ = z, where Lᵢ is
 * chunk i's Σ w·loss. Each iteration solves every chunk's local problem as a
 * task, then averages and applies the penalty's proximal operator here.
 */
async function admm(f: Objective, o: GlmSolveOptions): Promise<GlmSolution> {
  const n = f.p.data.numChunks;
  await f.data(new Float64Array(f.dim)); // W, and the NaN check
  const W = f.W;
  let rho = W / n; // the local loss scales with the chunk's weight; start ρ on that scale
  let z: Float64Array = new Float64Array(f.dim);
  let betas: Float64Array[] = Array.from({ length: n }, () => new Float64Array(f.dim));
  let us = Array.from({ length: n }, () => new Float64Array(f.dim));
  const design = f.p.design;
  for (let iter = 0; iter < o.maxIter; iter++) {
    betas = await f.p.data.map<Float64Array>(f.p.weighted ? 'ml.glm.admmLocalWeighted' : 'ml.glm.admmLocal', (i) => [design, betas[i], z, us[i], rho, 50, o.tol * 1e-2]);
    const zOld = z;
    const mean = new Float64Array(f.dim);
    for (let i = 0; i < n; i++) for (let j = 0; j < f.dim; j++) mean[j] += (betas[i][j] + us[i][j]) / n;
    z = f.p.alpha > 0 ? f.prox(mean, W / (n * rho)) : mean;
    let primal = 0;
    let betaNorm = 0;
    let uNorm = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f.dim; j++) {
        const r = betas[i][j] - z[j];
        us[i][j] += r;
        primal += r * r;
        betaNorm += betas[i][j] ** 2;
        uNorm += (rho * us[i][j]) ** 2;
      }
    }
    let dz = 0;
    for (let j = 0; j < f.dim; j++) dz += (z[j] - zOld[j]) ** 2;
    primal = Math.sqrt(primal);
    const dual = rho * Math.sqrt(n * dz);
    const zNorm = Math.sqrt(n * dot(z, z));
    if (primal <= o.tol * Math.max(1, Math.sqrt(betaNorm), zNorm) && dual <= o.tol * Math.max(1, Math.sqrt(uNorm))) {
      return { beta: z, nIter: iter + 1, converged: true, objective: await objectiveAt(f, z) };
    }
    // residual balancing (Boyd et al. §3.4.1): the scaled duals u = y/ρ rescale with ρ
    if (primal > 10 * dual) {
      rho *= 2;
      us = us.map((u) => u.map((v) => v / 2));
    } else if (dual > 10 * primal) {
      rho /= 2;
      us = us.map((u) => u.map((v) => v * 2));
    }
  }
  return { beta: z, nIter: o.maxIter, converged: false, objective: await objectiveAt(f, z) };
}

async function objectiveAt(f: Objective, beta: Float64Array): Promise<number> {
  const d = await f.data(beta);
  return d.loss + penaltyValue(f, beta);
}
