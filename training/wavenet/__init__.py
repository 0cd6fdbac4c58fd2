"""Training, data preparation and evaluation of the wavenet family (python -m training.wavenet.<script>)."""
