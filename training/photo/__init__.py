"""Photo colorizer training: data preparation, training and evaluation (python -m training.photo.prepare|train|evaluate)."""
