"""Training, data preparation and evaluation of the classifier family (python -m training.classifier.<script>)."""
