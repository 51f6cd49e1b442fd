"""Insight: commands that read the model and show a deployment before it runs."""
