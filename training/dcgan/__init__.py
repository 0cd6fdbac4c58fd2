"""Training, data preparation and evaluation of the dcgan family (python -m training.dcgan.<script>)."""
