"""Multi-artist colorizer data: split rules, derived line art and user-like augmentation (synthetic pictures only,
no prepared data needed)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from training.pix2pix import lineart, user_style as us
from training.pix2pix.sources import assign_split, emoji_group, hashed_test, openmoji_heldout


def circle_sketch(size=128, width=2, radius=40):
    s = np.full((size, size), 255, np.uint8)
    cv2.circle(s, (size // 2, size // 2), radius, 0, width)
    return s


def interior_open(sketch) -> bool:
    """Whether the centre's paper region reaches the border (the outline has a gap)."""
    light = (sketch > 128).astype(np.uint8)
    _, labels = cv2.connectedComponents(light, connectivity=4)
    c = labels[sketch.shape[0] // 2, sketch.shape[1] // 2]
    border = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    return bool(c in border)


def two_colour_art(size=128):
    c = np.full((size, size, 3), 255, np.uint8)
    cv2.circle(c, (size // 2, size // 2), 40, (220, 40, 40), -1)
    cv2.rectangle(c, (50, 50), (78, 78), (40, 40, 200), -1)
    return c


# --- split -----------------------------------------------------------------------------------------------------

def test_emoji_group_drops_skin_tones_and_fe0f():
    assert emoji_group("1f44d-1f3fb") == "1F44D"
    assert emoji_group("1F44D") == "1F44D"
    assert emoji_group("2764-FE0F") == "2764"
    assert emoji_group("1F468-1F3FD-200D-1F9B0") == "1F468-200D-1F9B0"


def test_split_keeps_groups_together_across_artists():
    stems = [f"{i:05X}" for i in range(0x1F600, 0x1F700)] + ["1F44D-1F3FB", "1F44D"]
    om_test = openmoji_heldout(stems)
    om_groups = {emoji_group(s) for s in stems}
    assert 0 < len(om_test) < len(om_groups)
    groups = sorted(om_groups) + [f"X{i}" for i in range(200)]
    a = assign_split(groups, "train", om_test, om_groups)
    b = assign_split(list(reversed(groups)), "train", om_test, om_groups)
    assert dict(zip(groups, a)) == dict(zip(reversed(groups), b))  # one answer per group, whatever the artist
    for g, s in zip(groups, a):
        if g in om_groups:
            assert (s == "test") == (g in om_test)
    other = [s for g, s in zip(groups, a) if g.startswith("X")]
    assert 0.02 < other.count("test") / len(other) < 0.25
    assert assign_split(["1F600"], "heldout_artist", om_test, om_groups) == ["heldout_artist"]
    assert assign_split(["1F600"], "eval_only", om_test, om_groups) == ["eval_only"]


def test_hashed_test_is_stable():
    assert [hashed_test(f"g{i}") for i in range(50)] == [hashed_test(f"g{i}") for i in range(50)]


def test_training_pool_refuses_held_out_artists():
    from training.pix2pix.multi_data import TrainingPool

    with pytest.raises(ValueError, match="never train"):
        TrainingPool(64, artists=("openmoji", "noto"))
    with pytest.raises(ValueError, match="never train"):
        TrainingPool(64, artists=("twemoji",))


# --- derived line art ------------------------------------------------------------------------------------------

def test_region_lines_trace_colour_boundaries():
    c = two_colour_art()
    lines = lineart.region_lines(c)
    assert lines[64, 24] < 128 and lines[64, 50] < 128  # circle edge and square edge
    assert lines[64, 40] == 255 and lines[64, 64] == 255 and lines[5, 5] == 255  # inside regions and paper
    assert not interior_open(lines)


def test_xdog_marks_edges_not_flat_areas():
    c = two_colour_art()
    x = lineart.xdog_lines(c)
    assert x[5, 5] == 255 and x[64, 64] > 200
    assert x[64, 23:27].min() < 128


def test_outline_hollows_black_fills():
    s = np.full((64, 64), 255, np.uint8)
    cv2.rectangle(s, (10, 10), (50, 50), 0, -1)
    o = lineart.outline_lines(s)
    assert o[30, 30] == 255 and o[30, 11] == 0  # centre paper again, rim kept
    assert not interior_open(o)


# --- augmentation ----------------------------------------------------------------------------------------------

def test_gaps_open_a_closed_outline():
    s = circle_sketch()
    assert not interior_open(s)
    opened = us.gaps(s, np.random.default_rng(0), count=1, radius=3)
    assert interior_open(opened)


def test_thin_and_thick_strokes():
    s = circle_sketch(width=5)
    ink = (s < 128).sum()
    thin = us.thin_strokes(s, 1)
    assert 0 < (thin < 128).sum() < ink / 3
    assert not interior_open(thin)  # a thin line still closes the outline
    assert (us.thick_strokes(s, 2) < 128).sum() > ink * 1.5


def test_pencil_is_grey_and_uneven():
    s = circle_sketch(width=4)
    p = us.pencil(s, np.random.default_rng(1), strength=0.5)
    ink = p[s < 128]
    assert ink.min() > 40 and ink.mean() > 90  # no black left
    assert ink.std() > 5  # uneven
    assert (p[s == 255] == 255).all()  # paper untouched


def test_paper_tint_stays_in_background():
    s = circle_sketch(width=3)
    out = us.paper(s, np.random.default_rng(2), level=220, texture=2)
    bg = out[s == 255].astype(float)
    assert abs(bg.mean() - 220) < 5 and bg.max() < 245
    assert out[s == 0].mean() < 30  # lines stay dark


def test_wobble_moves_lines_but_keeps_them():
    s = circle_sketch()
    w = us.wobble(s, np.random.default_rng(3), amplitude=2.5)
    assert (w != s).any()
    assert 0.6 < (w < 128).sum() / (s < 128).sum() < 1.4


def test_double_strokes_add_ink_next_to_lines():
    s = circle_sketch()
    d = us.double_strokes(s, np.random.default_rng(4), offset=3)
    assert (d <= s).all() and (d < s).sum() > 50


def test_hatching_stays_in_its_region():
    s = np.full((64, 64), 255, np.uint8)
    region = np.zeros((64, 64), bool)
    region[20:40, 20:40] = True
    h = us.hatching(s, region, np.random.default_rng(5), spacing=4, angle=45)
    assert (h[~region] == 255).all() and 0.1 < (h[region] < 255).mean() < 0.5


def test_geometric_moves_sketch_and_colour_together():
    s = np.full((64, 64), 255, np.uint8)
    s[30:34, 10:14] = 0
    c = np.full((64, 64, 3), 255, np.uint8)
    c[30:34, 10:14] = (255, 0, 0)
    s2, c2 = us.geometric(s, c, np.random.default_rng(6))
    assert np.array_equal(s2 < 128, c2[..., 1] < 128)


def test_canvas_places_several_objects():
    c = two_colour_art(64)
    s = lineart.region_lines(c)
    sk, col = us.canvas([(s, c)] * 3, np.random.default_rng(7), 256)
    assert sk.shape == (256, 256) and col.shape == (256, 256, 3)
    n, _ = cv2.connectedComponents((col.min(axis=2) < 250).astype(np.uint8))
    assert n - 1 >= 1 and (col.min(axis=2) < 250).mean() > 0.03


def test_user_sketch_is_deterministic_by_seed():
    s, c = circle_sketch(), two_colour_art()
    a = [us.user_sketch(s, c, np.random.default_rng([9, i])) for i in range(6)]
    b = [us.user_sketch(s, c, np.random.default_rng([9, i])) for i in range(6)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(a[0], x) for x in a[1:])


def test_pencil_eval_thin_grey_gappy_on_tinted_paper():
    s = circle_sketch(width=3)
    p = us.pencil_eval(s, 0)
    assert np.array_equal(p, us.pencil_eval(s, 0)) and not np.array_equal(p, us.pencil_eval(s, 1))
    far = np.ones_like(s, bool)
    far[cv2.dilate((s < 128).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0] = False
    assert 215 < p[far].mean() < 232  # tinted paper, not white
    assert p.min() > 60  # grey pencil, no black
    assert interior_open(np.where(p < 200, 0, 255).astype(np.uint8))  # gaps leave the outline open


# --- evaluation helpers ----------------------------------------------------------------------------------------

def test_hint_points_fall_off_the_lines_with_the_truths_colour():
    from training.pix2pix.evaluate_multi import hint_errors, hint_points

    c = two_colour_art()
    lines = lineart.region_lines(c)
    hints = hint_points(c, lines, 10, seed=3)
    assert len(hints) == 10 and hints == hint_points(c, lines, 10, seed=3)
    assert all(lines[h["y"], h["x"]] > 128 for h in hints)
    assert max(hint_errors(c, hints)) < 3  # the truth itself is faithful to hints taken from it
    grey = np.full_like(c, 128)
    coloured = [h for h in hints if h["color"] not in ("#ffffff",)]
    assert coloured and min(hint_errors(grey, coloured)) > 10  # a grey output is not


def test_mean_fill_baseline_fills_only_enclosed_regions():
    from training.pix2pix.scoring import interior

    s = circle_sketch()
    m = interior(s)
    assert m[64, 64] and not m[2, 2] and not m[s < 128].any()
    assert not interior(us.gaps(s, np.random.default_rng(0), count=1, radius=3)).any()


# --- multi-artist training ---------------------------------------------------------------------------------------

def fake_artist(root, artist, n=4, size=128):
    import json

    folder = root / "pix2pix" / f"{artist}_{size}"
    folder.mkdir(parents=True)
    colours = np.stack([cv2.resize(two_colour_art(), (size, size)) for _ in range(n)])
    np.save(folder / "colour.npy", colours)
    np.save(folder / "lines.npy", np.stack([lineart.region_lines(c) for c in colours]))
    (folder / "items.json").write_text(json.dumps([{"artist": artist, "name": f"x{i}", "emoji": f"E{i}",
                                                    "group": f"E{i}", "split": "train", "has_lines": True}
                                                   for i in range(n)]))


def test_train_multi_resume_continues_like_an_uninterrupted_run(tmp_path, monkeypatch):
    from safetensors.torch import load_file

    from training.pix2pix import train_multi

    for artist in ("openmoji", "fluent"):
        fake_artist(tmp_path, artist)
    monkeypatch.setenv("GAN_STUDIO_DATA", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    def run(name, *extra):
        monkeypatch.setattr("sys.argv", ["train_multi", "--name", name, "--size", "128", "--batch-size", "1",
                                         "--snapshot-steps", "3", "--log-steps", "1", *extra])
        train_multi.main()

    run("straight", "--steps", "3")
    run("resumed", "--steps", "3", "--max-steps", "2")
    run("resumed", "--steps", "3", "--resume")
    a = load_file(str(tmp_path / "runs/straight/G_ema_step000003.safetensors"))
    b = load_file(str(tmp_path / "runs/resumed/G_ema_step000003.safetensors"))
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    from models.pix2pix.config import DEFAULT_CONFIG
    from models.pix2pix.network import build

    torch.manual_seed(0)
    fresh = build({**DEFAULT_CONFIG, "paint_mask": True}).state_dict()
    assert any(not torch.equal(a[k], fresh[k]) for k in a if k.endswith("weight"))  # the steps did train
