"""Data preparation, training and evaluation scripts. The app never imports this package."""
