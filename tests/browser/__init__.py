"""Real-browser journeys: Hearth served for real, driven by headless Chromium (Playwright)."""
