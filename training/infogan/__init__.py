"""Training, data preparation and evaluation of the infogan family (python -m training.infogan.<script>)."""
