"""Layer 1, the content: gtm.toml, YAML with positions, the content files, the model, validation
and Markdown. It knows nothing of the site, the theme or the output."""
