"""Pure rules: observations and rule thresholds in, findings out."""
