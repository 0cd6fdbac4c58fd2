"""Live sliders: the small generators exported to ONNX so a visitor's browser runs them (ONNX Runtime Web).

graphs.py: the exported graphs (generator + the slider-to-latent step, int8 weights kept as int8);
export.py: `python -m models export-onnx` (writes static/live/*.onnx and their manifest records, checks each
against the PyTorch forward; imports onnx / onnxruntime, so the app never imports it);
files.py: what the app reads (the manifest's "browser" records, the files' hashes), without onnx or onnxruntime.
"""
