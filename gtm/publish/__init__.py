"""Layer 4, publishing: the build's own link check, and the only code that writes the output
folder."""
