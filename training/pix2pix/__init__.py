"""Training, data preparation and evaluation of the pix2pix family (python -m training.pix2pix.<script>)."""
