"""Classifier family: the small LeNet judges (classifier-mnist, classifier-fashion) that evaluate the generators.

config.py: ClassifierConfig (widths, class names); model.py: the network and Classifier (logits, probabilities,
128-d features for FID). No CLI, no page.
"""
from models.classifier.config import ClassifierConfig as CONFIG
from models.classifier.model import from_entry

__all__ = ["CONFIG", "from_entry"]
