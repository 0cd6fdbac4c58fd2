"""The Fast WaveNet per-sample loop (see models/wavenet_fast.py), written for numba.

This module is the kernel's single source. It is used two ways (models/wavenet_kernel.py picks one):
- compiled ahead of time into a small extension module by `python -m models build-kernel` (numba.pycc; the app then
  never imports numba or LLVM, ~90 MB less server memory), or
- compiled just in time by numba on first use, when no up-to-date ahead-of-time build is present.
Only numpy and numba are imported here (not torch), so the ahead-of-time build stays light. The loop releases
the GIL (nogil), so other sessions of the app keep running while a melody is generated.
"""
import numpy as np
from numba import njit


@njit(inline="always", fastmath=True)
def _tanh(x):
    """float32 tanh as a rational function (the approximation Eigen and XLA use, max error ~3e-7): unlike libm's
    tanh it vectorises, and the gates' tanh and sigmoid were a quarter of the sampling time."""
    x = min(max(x, np.float32(-7.905311)), np.float32(7.905311))
    x2 = x * x
    p = np.float32(-2.76076847742355e-16)
    p = p * x2 + np.float32(2.00018790482477e-13)
    p = p * x2 + np.float32(-8.60467152213735e-11)
    p = p * x2 + np.float32(5.12229709037114e-08)
    p = p * x2 + np.float32(1.48572235717979e-05)
    p = p * x2 + np.float32(6.37261928875436e-04)
    p = p * x2 + np.float32(4.89352455891786e-03)
    q = np.float32(1.19825839466702e-06)
    q = q * x2 + np.float32(1.18534705686654e-04)
    q = q * x2 + np.float32(2.26843463243900e-03)
    q = q * x2 + np.float32(4.89352518554385e-03)
    return x * p / q


@njit(cache=True, fastmath=True, nogil=True)
def run_steps(embed, dil_w, rs_w, rs_b, o1_w, o1_b, o2_w, o2_b, dilations, bias, buffers, current, t0, n,
              uniforms, forced, inv_temperature, out, logits_out, excite_w, phase_steps, onset):
    """Advance every note by n steps. current (B,) holds each note's input class and is updated in place;
    out (n, B) receives the classes chosen (sampled, or forced where forced >= 0); logits_out (n, B, C) the logits
    when it has n rows (else it is ignored). excite_w (L, 2H, 2R) weighs the sinusoidal excitation (sin, cos of
    harmonics 1..H at phase_steps (B,) radians per sample, from step `onset` on); H = 0 for models without it.
    The note loop sits inside each weight row's loop, so a step streams
    the weights once for the whole batch."""
    n_layers = dil_w.shape[0]
    res = embed.shape[1]
    skip_ch = o1_w.shape[0]
    n_cls = o2_w.shape[0]
    batch = bias.shape[1]
    keep = logits_out.shape[0] == n
    zero = np.float32(0.0)
    inv_t32 = np.float32(inv_temperature)
    x = np.empty((batch, 2 * res), np.float32)
    z = np.empty((batch, 2 * res), np.float32)
    a = np.empty((batch, res), np.float32)
    h = np.empty((batch, res), np.float32)
    skip = np.empty((batch, skip_ch), np.float32)
    o = np.empty((batch, skip_ch), np.float32)
    logit = np.empty((batch, n_cls), np.float32)
    n_exc = excite_w.shape[1]
    n_harm = n_exc // 2
    ex = np.zeros((batch, n_exc), np.float32)
    for step in range(n):
        t = t0 + step
        if n_exc > 0 and t >= onset:
            for b in range(batch):
                base = phase_steps[b] * (t - onset)
                for k in range(n_harm):
                    ex[b, k] = np.float32(np.sin(base * (k + 1)))
                    ex[b, n_harm + k] = np.float32(np.cos(base * (k + 1)))
        for b in range(batch):
            for i in range(res):
                h[b, i] = embed[current[b], i]
        skip[:, :] = zero
        for layer in range(n_layers):
            slot = t % dilations[layer]
            for b in range(batch):
                for i in range(res):
                    x[b, i] = buffers[layer, slot, b, i]
                    x[b, res + i] = h[b, i]
                    buffers[layer, slot, b, i] = h[b, i]
            for j in range(2 * res):
                w = dil_w[layer, j]
                for b in range(batch):
                    xb = x[b]
                    acc = bias[layer, b, j]
                    for i in range(2 * res):
                        acc += w[i] * xb[i]
                    z[b, j] = acc
            for b in range(batch):  # + U e(t): one contiguous (vectorised) pass over z per excitation channel
                for i in range(n_exc):
                    e = ex[b, i]
                    u = excite_w[layer, i]
                    for j in range(2 * res):
                        z[b, j] += u[j] * e
            for b in range(batch):
                for i in range(res):
                    half = np.float32(0.5)
                    a[b, i] = _tanh(z[b, i]) * (half + half * _tanh(half * z[b, res + i]))  # tanh(f) sigmoid(g)
            first = res if layer == n_layers - 1 else 0  # the last layer's residual output is never used
            for j in range(first, res + skip_ch):
                w = rs_w[layer, j]
                for b in range(batch):
                    ab = a[b]
                    acc = rs_b[layer, j]
                    for i in range(res):
                        acc += w[i] * ab[i]
                    if j < res:
                        h[b, j] += acc
                    else:
                        skip[b, j - res] += acc
        for b in range(batch):
            for i in range(skip_ch):
                skip[b, i] = max(skip[b, i], zero)
        for j in range(skip_ch):
            for b in range(batch):
                acc = o1_b[j]
                for i in range(skip_ch):
                    acc += o1_w[j, i] * skip[b, i]
                o[b, j] = max(acc, zero)
        for k in range(n_cls):
            w = o2_w[k]
            for b in range(batch):
                ob = o[b]
                acc = o2_b[k]
                for i in range(skip_ch):
                    acc += w[i] * ob[i]
                logit[b, k] = acc
        for b in range(batch):
            if keep:
                for k in range(n_cls):
                    logits_out[step, b, k] = logit[b, k]
            best = 0
            for k in range(n_cls):
                if logit[b, k] > logit[b, best]:
                    best = k
            if forced[step, b] >= 0:
                chosen = forced[step, b]
            elif inv_temperature <= 0.0:
                chosen = best
            else:  # sample from softmax(logit / temperature) by inverting the cumulative sum
                top = logit[b, best]
                total = 0.0
                for k in range(n_cls):
                    logit[b, k] = np.exp((logit[b, k] - top) * inv_t32)
                    total += logit[b, k]
                u = uniforms[step, b] * total
                chosen = n_cls - 1
                cum = 0.0  # float64 and not `acc`: numba unifies a name's type, which would slow the float32 loops
                for k in range(n_cls):
                    cum += logit[b, k]
                    if u < cum:
                        chosen = k
                        break
            out[step, b] = chosen
            current[b] = chosen
