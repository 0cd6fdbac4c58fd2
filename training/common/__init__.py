"""Shared training utilities, written once for every family: data paths (paths), image datasets (images), EMA (ema),
checkpoints (checkpoint), the judge of snapshots (judge), weight init (init), metrics, publishing (publish) and the
GPU-lease data copy (lease_data). Never imported by the app."""
