// Fused kernels for the transformer's training step, compiled to WebAssembly with 128-bit SIMD (AssemblyScript;
// `pnpm --filter @beyond-ntp/transformer-core build:wasm` regenerates src/kernels/wasm/kernels-wasm.ts).
//
// Why: tfjs runs attention as B·H tiny batched matmuls that its wasm backend keeps on a scalar path, and
// LayerNorm, GELU and transposes as chains of elementwise ops, each a full pass over memory with a dispatch
// cost. Each function here is one pass. The module imports its memory: on the tfjs wasm backend that is the
// backend's own heap, so kernels read and write tensors in place; elsewhere a private memory the host copies
// through (src/kernels/wasm-host.ts). It therefore has no data segment and no stack: pointers (byte offsets)
// and sizes are all it gets. Tensors are f32, row-major.

// ---- helpers --------------------------------------------------------------------------------------------

function at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}

// a · b over n floats (n a multiple of 4).
function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  for (let c = 0; c < n; c += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(at(a, c)), v128.load(at(b, c))));
  return sum4(acc);
}

function sum4(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)
  );
}

// y += alpha · x over n floats (n a multiple of 4).
function axpy(y: usize, alpha: f32, x: usize, n: i32): void {
  const a = f32x4.splat(alpha);
  for (let c = 0; c < n; c += 4)
    v128.store(at(y, c), f32x4.add(v128.load(at(y, c)), f32x4.mul(a, v128.load(at(x, c)))));
}

// e^x per lane: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its degree-6 Taylor polynomial (relative error < 2e-7),
// 2^n by building the float's exponent bits. Inputs are clamped to [-87, 88], where 2^n stays a normal float.
function exp4(x: v128): v128 {
  const xc = f32x4.max(f32x4.min(x, f32x4.splat(88)), f32x4.splat(-87));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(<f32>Math.LOG2E)));
  // ln2 split in two so n·ln2_hi is exact (Cody–Waite).
  const r = f32x4.sub(
    f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693145751953125))),
    f32x4.mul(n, f32x4.splat(1.428606765330187e-6)),
  );
  let p = f32x4.splat(1.0 / 720);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  const twoToN = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, twoToN);
}

function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

// ---- causal self-attention --------------------------------------------------------------------------------
// qkv [B, T, 3d]: q | k | v per token, head h owning columns h·hd .. (h+1)·hd of each third (d = H·hd).
// probs [B, H, T, T]: softmax weights, zero above the diagonal. y, dy [B, T, d]: heads side by side.

// probs = softmax(scale · q kᵀ + causal mask) per head; y = probs · v.
export function attentionForward(
  qkv: usize,
  probs: usize,
  y: usize,
  B: i32,
  T: i32,
  H: i32,
  hd: i32,
  scale: f32,
): void {
  const d = H * hd;
  const row = (<usize>(3 * d)) << 2; // bytes from one token's qkv to the next
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const q = at(qkv, b * T * 3 * d + h * hd);
      const k = at(q, d);
      const v = at(k, d);
      const p = at(probs, (b * H + h) * T * T);
      for (let i = 0; i < T; i++) {
        const qi = q + <usize>i * row;
        const pi = at(p, i * T);
        // Scores for keys 0..i, then a max-shifted softmax over them; keys after i get weight 0.
        let max: f32 = -Infinity;
        for (let j = 0; j <= i; j++) {
          const s = dot(qi, k + <usize>j * row, hd) * scale;
          store<f32>(at(pi, j), s);
          max = Mathf.max(max, s);
        }
        let sum: f32 = 0;
        for (let j = 0; j <= i; j++) {
          const e = exp1(load<f32>(at(pi, j)) - max);
          store<f32>(at(pi, j), e);
          sum += e;
        }
        const inv: f32 = 1 / sum;
        for (let j = 0; j <= i; j++) store<f32>(at(pi, j), load<f32>(at(pi, j)) * inv);
        memory.fill(at(pi, i + 1), 0, (<usize>(T - i - 1)) << 2);
        // y_i = Σ_j p_ij v_j, four output lanes at a time so the running sum stays in a register.
        const yi = at(y, (b * T + i) * d + h * hd);
        for (let c = 0; c < hd; c += 4) {
          const vc = at(v, c);
          let acc = f32x4.splat(0);
          for (let j = 0; j <= i; j++) {
            acc = f32x4.add(
              acc,
              f32x4.mul(f32x4.splat(load<f32>(at(pi, j))), v128.load(vc + <usize>j * row)),
            );
          }
          v128.store(at(yi, c), acc);
        }
      }
    }
  }
}

// Gradient of attentionForward's y with respect to qkv, given dy; scratch holds T floats.
//   dv_j += p_ij dy_i,  dp_ij = dy_i · v_j,  ds_ij = p_ij (dp_ij − Σ_j' p_ij' dp_ij'),
//   dq_i += scale ds_ij k_j,  dk_j += scale ds_ij q_i.
export function attentionBackward(
  qkv: usize,
  probs: usize,
  dy: usize,
  dqkv: usize,
  scratch: usize,
  B: i32,
  T: i32,
  H: i32,
  hd: i32,
  scale: f32,
): void {
  const d = H * hd;
  const row = (<usize>(3 * d)) << 2;
  memory.fill(dqkv, 0, (<usize>(B * T * 3 * d)) << 2);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const first = b * T * 3 * d + h * hd;
      const q = at(qkv, first);
      const k = at(q, d);
      const v = at(k, d);
      const dq = at(dqkv, first);
      const dk = at(dq, d);
      const dv = at(dk, d);
      const p = at(probs, (b * H + h) * T * T);
      for (let i = 0; i < T; i++) {
        const pi = at(p, i * T);
        const dyi = at(dy, (b * T + i) * d + h * hd);
        let rowDot: f32 = 0;
        for (let j = 0; j <= i; j++) {
          const pij = load<f32>(at(pi, j));
          const dp = dot(dyi, v + <usize>j * row, hd);
          store<f32>(at(scratch, j), dp);
          rowDot += pij * dp;
          axpy(dv + <usize>j * row, pij, dyi, hd);
        }
        const qi = q + <usize>i * row;
        const dqi = dq + <usize>i * row;
        for (let j = 0; j <= i; j++) {
          const ds = load<f32>(at(pi, j)) * (load<f32>(at(scratch, j)) - rowDot) * scale;
          axpy(dqi, ds, k + <usize>j * row, hd);
          axpy(dk + <usize>j * row, ds, qi, hd);
        }
      }
    }
  }
}

// ---- GELU, tanh approximation (GPT-2) ---------------------------------------------------------------------
// gelu(x) = x · σ(2u), u = √(2/π)·(x + 0.044715·x³), using 0.5·(1 + tanh(u)) = σ(2u). n a multiple of 4.

const TWO_C: f32 = 1.5957691216057308; // 2·√(2/π)
const A: f32 = 0.044715;

// σ(2u) for x, and d(2u)/dx.
function sigmoidOf2u(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const u2 = f32x4.mul(
    f32x4.mul(x, f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(A), x2))),
    f32x4.splat(TWO_C),
  );
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(u2))));
}

export function geluForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const xv = v128.load(at(x, i));
    v128.store(at(y, i), f32x4.mul(xv, sigmoidOf2u(xv)));
  }
}

// dx = dy · (s + x·s·(1 − s)·2√(2/π)·(1 + 3·0.044715·x²)), s = σ(2u).
export function geluBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const xv = v128.load(at(x, i));
    const s = sigmoidOf2u(xv);
    const du2 = f32x4.mul(
      f32x4.splat(TWO_C),
      f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(3 * A), f32x4.mul(xv, xv))),
    );
    const ds = f32x4.mul(f32x4.mul(s, f32x4.sub(f32x4.splat(1), s)), du2);
    const grad = f32x4.add(s, f32x4.mul(xv, ds));
    v128.store(at(dx, i), f32x4.mul(v128.load(at(dy, i)), grad));
  }
}

// ---- LayerNorm and RMSNorm over rows of `cols` floats (cols a multiple of 4) ------------------------------
// centered: LayerNorm, x̂ = (x − mean)·rstd, y = x̂·w + b. Otherwise RMSNorm, x̂ = x·rstd, y = x̂·w (b unused).
// mean and rstd ([rows] each) are written for the backward pass.

export function normForward(
  x: usize,
  w: usize,
  b: usize,
  y: usize,
  mean: usize,
  rstd: usize,
  rows: i32,
  cols: i32,
  eps: f32,
  centered: bool,
): void {
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * cols);
    const yr = at(y, r * cols);
    let mu: f32 = 0;
    if (centered) {
      let acc = f32x4.splat(0);
      for (let c = 0; c < cols; c += 4) acc = f32x4.add(acc, v128.load(at(xr, c)));
      mu = sum4(acc) / <f32>cols;
    }
    const muv = f32x4.splat(mu);
    let acc = f32x4.splat(0);
    for (let c = 0; c < cols; c += 4) {
      const dev = f32x4.sub(v128.load(at(xr, c)), muv);
      acc = f32x4.add(acc, f32x4.mul(dev, dev));
    }
    const rs: f32 = 1 / Mathf.sqrt(sum4(acc) / <f32>cols + eps);
    store<f32>(at(mean, r), mu);
    store<f32>(at(rstd, r), rs);
    const rsv = f32x4.splat(rs);
    for (let c = 0; c < cols; c += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), muv), rsv);
      let out = f32x4.mul(xhat, v128.load(at(w, c)));
      if (centered) out = f32x4.add(out, v128.load(at(b, c)));
      v128.store(at(yr, c), out);
    }
  }
}

// g = dy·w; dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) (RMSNorm: no mean(g) term); dw = Σ dy·x̂, db = Σ dy.
export function normBackward(
  x: usize,
  w: usize,
  mean: usize,
  rstd: usize,
  dy: usize,
  dx: usize,
  dw: usize,
  db: usize,
  rows: i32,
  cols: i32,
  centered: bool,
): void {
  memory.fill(dw, 0, (<usize>cols) << 2);
  if (centered) memory.fill(db, 0, (<usize>cols) << 2);
  const inv: f32 = 1 / <f32>cols;
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * cols);
    const dyr = at(dy, r * cols);
    const dxr = at(dx, r * cols);
    const muv = f32x4.splat(load<f32>(at(mean, r)));
    const rsv = f32x4.splat(load<f32>(at(rstd, r)));
    let sumG = f32x4.splat(0);
    let sumGx = f32x4.splat(0);
    for (let c = 0; c < cols; c += 4) {
      const dyv = v128.load(at(dyr, c));
      const xhat = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), muv), rsv);
      const g = f32x4.mul(dyv, v128.load(at(w, c)));
      sumG = f32x4.add(sumG, g);
      sumGx = f32x4.add(sumGx, f32x4.mul(g, xhat));
      v128.store(at(dw, c), f32x4.add(v128.load(at(dw, c)), f32x4.mul(dyv, xhat)));
      if (centered) v128.store(at(db, c), f32x4.add(v128.load(at(db, c)), dyv));
    }
    const meanG = f32x4.splat(centered ? sum4(sumG) * inv : 0);
    const meanGx = f32x4.splat(sum4(sumGx) * inv);
    for (let c = 0; c < cols; c += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), muv), rsv);
      const g = f32x4.mul(v128.load(at(dyr, c)), v128.load(at(w, c)));
      v128.store(at(dxr, c), f32x4.mul(rsv, f32x4.sub(f32x4.sub(g, meanG), f32x4.mul(xhat, meanGx))));
    }
  }
}

// ---- transpose ----------------------------------------------------------------------------------------------
// dst [cols, rows] = srcᵀ for src [rows, cols]: 4×4 blocks by lane shuffles when both sides are multiples of 4,
// element by element otherwise.

export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  if ((rows & 3) !== 0 || (cols & 3) !== 0) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) store<f32>(at(dst, c * rows + r), load<f32>(at(src, r * cols + c)));
    }
    return;
  }
  for (let r = 0; r < rows; r += 4) {
    for (let c = 0; c < cols; c += 4) {
      const a = v128.load(at(src, r * cols + c));
      const b = v128.load(at(src, (r + 1) * cols + c));
      const e = v128.load(at(src, (r + 2) * cols + c));
      const f = v128.load(at(src, (r + 3) * cols + c));
      const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
      const ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
      const ef01 = v128.shuffle<f32>(e, f, 0, 4, 1, 5);
      const ef23 = v128.shuffle<f32>(e, f, 2, 6, 3, 7);
      v128.store(at(dst, c * rows + r), v128.shuffle<f32>(ab01, ef01, 0, 1, 4, 5));
      v128.store(at(dst, (c + 1) * rows + r), v128.shuffle<f32>(ab01, ef01, 2, 3, 6, 7));
      v128.store(at(dst, (c + 2) * rows + r), v128.shuffle<f32>(ab23, ef23, 0, 1, 4, 5));
      v128.store(at(dst, (c + 3) * rows + r), v128.shuffle<f32>(ab23, ef23, 2, 3, 6, 7));
    }
  }
}
