"""The Fast WaveNet per-sample loop (see models/wavenet/fast.py), written for numba.

This module is the kernel's single source. It is used two ways (models/wavenet/kernel.py picks one):
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


@njit(inline="always", fastmath=True)
def _add_product(out, wt, v):
    """out += v @ wt, wt (len(v), len(out)) C-contiguous: a sum of weight rows each scaled by one input ("axpy" form,
    so the inner loop runs along contiguous outputs and vectorises without a horizontal sum per output)."""
    for i in range(wt.shape[0]):
        vi = v[i]
        w = wt[i]
        for j in range(out.shape[0]):
            out[j] += w[j] * vi


@njit(cache=True, fastmath=True, nogil=True)
def run_steps(embed, dil_wt, rs_wt, rs_b, o1_wt, o1_b, o2_wt, o2_b, dilations, bias, buffers, current, t0, n,
              uniforms, forced, inv_temperature, out, logits_out, excite_w, phase_steps, onset,
              started, start_after, start_level, power, power_decay, ceiling, levels):
    """Advance every note by n steps. current (B,) holds each note's input class and is updated in place;
    out (n, B) receives the classes chosen (sampled, or forced where forced >= 0); logits_out (n, B, C) the logits
    when it has n rows (else it is ignored). excite_w (L, 2H, 2R) weighs the sinusoidal excitation (sin, cos of
    harmonics 1..H at phase_steps (B,) radians per sample, from step `onset` on); H = 0 for models without it.
    Onset rule (start_after >= 0): a note that has not yet sounded (started[b] == 0: no sample start_level or more
    classes away from silence since `onset`) may not draw a near-silent class from start_after steps after its onset
    on; started (B,) is updated in place.
    Level rule (ceiling[b] > 0): power (B,) holds each note's running mean square (an exponential average, weight
    power_decay per step, from `onset` on; updated in place); while its square root is above ceiling[b] the note may
    only draw classes that decode to |amplitude| <= ceiling[b]. levels (C,): the amplitude each class decodes to.
    Weights come transposed, (inputs, outputs): every product is a sum of weight rows scaled by one input each
    ("axpy" form), so the innermost loop runs along contiguous outputs and vectorises without a horizontal sum
    per output (about 2x faster than dot products for these 32-256 wide layers)."""
    n_layers = dil_wt.shape[0]
    res = embed.shape[1]
    skip_ch = o1_wt.shape[1]
    n_cls = o2_wt.shape[1]
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
            for b in range(batch):  # z = bias + W [x(t-d); x(t)]
                zb = z[b]
                xb = x[b]
                for j in range(2 * res):
                    zb[j] = bias[layer, b, j]
                _add_product(zb, dil_wt[layer], xb)
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
            last = layer == n_layers - 1  # the last layer's residual output is never used
            for b in range(batch):  # residual and skip outputs: h += R a + r_b, skip += S a + s_b
                hb = h[b]
                sb = skip[b]
                ab = a[b]
                for j in range(res):
                    hb[j] += rs_b[layer, j]
                for j in range(skip_ch):
                    sb[j] += rs_b[layer, res + j]
                for i in range(res):
                    ai = ab[i]
                    w = rs_wt[layer, i]
                    if not last:
                        for j in range(res):
                            hb[j] += w[j] * ai
                    for j in range(skip_ch):
                        sb[j] += w[res + j] * ai
        for b in range(batch):
            for i in range(skip_ch):
                skip[b, i] = max(skip[b, i], zero)
        for b in range(batch):
            ob = o[b]
            sb = skip[b]
            for j in range(skip_ch):
                ob[j] = o1_b[j]
            _add_product(ob, o1_wt, sb)
            for j in range(skip_ch):
                ob[j] = max(ob[j], zero)
            lb = logit[b]
            for k in range(n_cls):
                lb[k] = o2_b[k]
            _add_product(lb, o2_wt, ob)
        for b in range(batch):
            if keep:
                for k in range(n_cls):
                    logits_out[step, b, k] = logit[b, k]
            if start_after >= 0 and started[b] == 0 and t - onset >= start_after:
                for k in range(max(0, 128 - start_level + 1), min(n_cls, 128 + start_level)):
                    logit[b, k] = np.float32(-1e30)  # the note must start now: near-silent classes are out
            if ceiling[b] > 0.0 and power[b] > ceiling[b] * ceiling[b]:  # too loud: only quieter samples now
                for k in range(n_cls):
                    if abs(levels[k]) > ceiling[b]:
                        logit[b, k] = np.float32(-1e30)
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
                for k in range(n_cls):  # classes over 20 nats below the best (weight < 2e-9 each) are skipped:
                    d = (logit[b, k] - top) * inv_t32  # libm's exp does not vectorise, and most classes are far
                    logit[b, k] = np.exp(d) if d > np.float32(-20.0) else zero  # below the best
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
            if t >= onset and abs(chosen - 128) >= start_level:
                started[b] = 1
            if t >= onset:
                power[b] += power_decay * (levels[chosen] * levels[chosen] - power[b])
