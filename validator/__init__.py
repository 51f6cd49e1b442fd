"""tfbg lint: loaders -> model -> rules -> findings -> formatters."""
