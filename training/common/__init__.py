"""Shared training utilities: data paths, image datasets, metrics, publishing, GPU-lease data. Never imported by the app."""
