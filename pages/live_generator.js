// The live sliders' browser side: pages/live_generator.py (the component) and its docstring say what it does.
const LIVE = window.__ganStudioLive || (window.__ganStudioLive = {
    ort: null, sessions: new Map(), stats: [], lastInput: 0, roots: new Set(), observer: null,
});

function loadOrt(where) {
    const base = new URL(where, window.location.href).href;  // import() and wasmPaths need absolute URLs
    if (!LIVE.ort) {
        LIVE.loadStart = performance.now();
        LIVE.ort = (async () => {
            if (typeof WebAssembly !== "object") throw new Error("this browser has no WebAssembly");
            const ort = await import(base + "ort.wasm.min.mjs");
            ort.env.wasm.wasmPaths = base;
            ort.env.wasm.numThreads = 1;
            ort.env.wasm.proxy = false;
            return ort;
        })();
    }
    return LIVE.ort;
}

function loadSession(ort, url) {
    if (!LIVE.sessions.has(url)) {
        LIVE.sessions.set(url, ort.InferenceSession.create(url, {executionProviders: ["wasm"]}));
    }
    return LIVE.sessions.get(url);
}

function sliderInput(key) {
    return document.querySelector(`.st-key-${CSS.escape(key)} input[type="range"]`);
}

function scheduleFor(input, seen, kind) {
    for (const root of LIVE.roots) {
        if (!root.isConnected) { LIVE.roots.delete(root); continue; }
        if (root.live.keys.some((key) => sliderInput(key) === input)) root.live.schedule(seen, kind);
    }
}

// While a slider is dragged, its value is predicted from the pointer the moment the pointer moves, the way the
// slider itself computes it (the value where the last update left it plus the pointer's travel over the track's
// width, snapped to the step), instead of waiting for the page to re-render the slider (~20 ms). Every value the
// slider itself takes, the release's included, is drawn again from the slider, so the last frame is its state.
function predicted(drag, x) {
    const {input} = drag;
    const min = parseFloat(input.min), max = parseFloat(input.max), step = parseFloat(input.step) || 1;
    const width = drag.track.getBoundingClientRect().width;
    if (!(width > 0) || !Number.isFinite(drag.anchorValue)) return NaN;
    const raw = drag.anchorValue + (x - drag.anchorX) / width * (max - min);
    const decimals = (String(step).split(".")[1] || "").length;
    const snapped = min + Math.round((Math.min(max, Math.max(min, raw)) - min) / step) * step;
    return parseFloat(Math.min(max, Math.max(min, snapped)).toFixed(decimals));
}

function watchSliders() {
    if (LIVE.observer) return;
    for (const type of ["keydown", "touchmove"]) {
        document.addEventListener(type, (event) => { LIVE.lastInput = event.timeStamp; }, true);
    }
    document.addEventListener("pointerdown", (event) => {
        LIVE.lastInput = event.timeStamp;
        LIVE.lastX = event.clientX;
        const slider = event.target.closest && event.target.closest('[data-testid="stSlider"]');
        const input = slider && slider.querySelector('input[type="range"]');
        const thumb = input && input.parentElement && input.parentElement.parentElement;
        LIVE.drag = thumb && thumb.parentElement ? {input, track: thumb.parentElement, anchorX: event.clientX,
                                                    anchorValue: parseFloat(input.value), value: null} : null;
    }, true);
    document.addEventListener("pointermove", (event) => {
        LIVE.lastInput = event.timeStamp;
        LIVE.lastX = event.clientX;
        const drag = LIVE.drag;
        if (!drag || !(event.buttons & 1)) return;
        const value = predicted(drag, event.clientX);
        if (Number.isFinite(value) && value !== drag.value) {
            drag.value = value;
            scheduleFor(drag.input, performance.now(), "pointer");
        }
    }, true);
    for (const type of ["pointerup", "pointercancel"]) {
        document.addEventListener(type, () => {
            const drag = LIVE.drag;
            LIVE.drag = null;
            if (drag) scheduleFor(drag.input, performance.now(), "release");  // from the slider's own value again
        }, true);
    }
    LIVE.observer = new MutationObserver((mutations) => {
        const seen = performance.now();
        for (const m of mutations) {
            if (m.target.tagName !== "INPUT" || m.target.type !== "range") continue;
            const drag = LIVE.drag;
            if (drag && drag.input === m.target) {  // the slider's own value: the next prediction starts there
                drag.anchorX = LIVE.lastX;
                drag.anchorValue = parseFloat(m.target.value);
                if (parseFloat(m.target.value) === drag.value) continue;  // already drawn
                if (drag.value !== null) LIVE.corrections = (LIVE.corrections || 0) + 1;  // predicted another
                drag.value = null;
            }
            scheduleFor(m.target, seen, "slider");
        }
    });
    LIVE.observer.observe(document.body, {subtree: true, attributes: true, attributeFilter: ["value"]});
}

function setStatus(root, state, text) {
    root.dataset.status = state;
    root.querySelector(".live-status").textContent = text;
}

function makeLive(root) {
    const canvas = root.querySelector("canvas");
    const live = {keys: [], spec: null, session: null, running: false, pending: null, failed: false, frames: 0};
    live.feeds = (ort) => {
        const feeds = {};
        for (const [name, input] of Object.entries(live.spec.inputs)) {
            const values = input.values.slice();
            (input.keys || []).forEach((key, i) => {
                const el = sliderInput(key);
                const drag = LIVE.drag;
                const v = !el ? NaN : (drag && drag.input === el && drag.value !== null ? drag.value
                                                                                          : parseFloat(el.value));
                if (Number.isFinite(v)) values[i] = v;
            });
            feeds[name] = new ort.Tensor("float32", Float32Array.from(values), [1, values.length]);
        }
        return feeds;
    };
    live.draw = (image) => {
        const [, c, h, w] = image.dims;
        const px = image.data;
        if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
        const ctx = canvas.getContext("2d");
        const out = ctx.createImageData(w, h);
        let sum = 0;
        for (let i = 0; i < c * w * h; i++) sum = (sum * 31 + px[i]) >>> 0;  // which picture (tests, benchmarks)
        live.checksum = sum;
        for (let i = 0; i < w * h; i++) {
            const r = px[i], g = c === 3 ? px[i + w * h] : r, b = c === 3 ? px[i + 2 * w * h] : r;
            out.data[4 * i] = r; out.data[4 * i + 1] = g; out.data[4 * i + 2] = b; out.data[4 * i + 3] = 255;
        }
        ctx.putImageData(out, 0, 0);
        live.cover();
    };
    live.picture = () => {
        const box = root.closest(`.st-key-${CSS.escape(live.spec.picture)}`);
        return box ? box.querySelector('[data-testid="stImage"] img') : null;
    };
    live.cover = () => {  // lay the canvas exactly over the server's picture
        const img = live.picture();
        if (!img) return;
        const host = img.parentElement;
        if (canvas.parentElement !== host) {
            host.style.position = "relative";
            host.appendChild(canvas);
        }
        canvas.style.left = img.offsetLeft + "px";
        canvas.style.top = img.offsetTop + "px";
        canvas.style.width = img.clientWidth + "px";
        canvas.style.height = img.clientHeight + "px";
        canvas.style.display = "block";
        if (!img.dataset.liveWatched) {  // the server's new picture arrived: show it again
            img.dataset.liveWatched = "1";
            img.addEventListener("load", () => { if (!live.running && live.pending === null) canvas.style.display = "none"; });
        }
    };
    live.run = async () => {
        live.running = true;
        try {
            while (live.pending !== null && live.session) {
                const since = live.pending;
                live.pending = null;
                const ort = await LIVE.ort;
                const feeds = live.feeds(ort);
                const state = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, Array.from(t.data)]));
                const start = performance.now();
                const result = await live.session.run(feeds, ["image"]);
                live.draw(result.image);
                const drawn = performance.now();
                live.frames += 1;
                root.dataset.frames = String(live.frames);
                root.dataset.state = JSON.stringify(state);
                const stat = {model: live.spec.model, kind: since.kind, input: since.input, seen: since.seen, start, drawn,
                              checksum: live.checksum, frame: null};
                requestAnimationFrame(() => { stat.frame = performance.now(); });  // the frame that shows it
                LIVE.stats.push(stat);
                if (LIVE.stats.length > 5000) LIVE.stats.splice(0, 1000);
            }
        } catch (err) {
            live.failed = true;
            canvas.style.display = "none";
            setStatus(root, "failed", "Live preview off (" + String(err && err.message || err).slice(0, 120) +
                      "): the picture updates when you let go.");
        } finally {
            live.running = false;
        }
    };
    live.schedule = (seen, kind) => {
        if (live.failed || !live.session) return;
        if (live.pending === null) live.pending = {input: LIVE.lastInput || seen, seen, kind};
        if (!live.running) live.run();
    };
    return live;
}

export default function (component) {
    const { data, parentElement } = component;
    let root = parentElement.querySelector(".live-generator");
    if (!root) {
        root = document.createElement("div");
        root.className = "live-generator";
        root.innerHTML = '<canvas class="live-canvas" aria-hidden="true"></canvas><span class="live-status"></span>';
        parentElement.appendChild(root);
        root.live = makeLive(root);
        root.dataset.frames = "0";
        setStatus(root, "loading", "Loading the live preview...");
    }
    const live = root.live;
    const spec = JSON.parse(data.spec);
    const changed = live.spec && live.spec.model !== spec.model;
    live.spec = spec;
    live.keys = Object.values(spec.inputs).flatMap((input) => input.keys || []);
    LIVE.roots.add(root);
    watchSliders();
    if (changed) { live.session = null; root.querySelector("canvas").style.display = "none"; }
    if (live.failed || live.session) return;
    const url = spec.model_url;
    loadOrt(data.ort)
        .then((ort) => loadSession(ort, url))
        .then((session) => {
            if (live.spec.model_url !== url) return;
            live.session = session;
            LIVE.readyAt = LIVE.readyAt || performance.now();
            setStatus(root, "ready", "⚡ Live preview: your browser draws while you drag.");
        })
        .catch((err) => {
            live.failed = true;
            setStatus(root, "failed", "Live preview off (" + String(err && err.message || err).slice(0, 120) +
                      "): the picture updates when you let go.");
        });
}
