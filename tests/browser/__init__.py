"""Real-browser tests: headless Chromium against Voila and JupyterLab."""
