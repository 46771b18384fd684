"""Layer 2, the site: the validated items linked into one site, the facts derived from it, the
rules that check it, and the audience-filtered view that templates receive."""
