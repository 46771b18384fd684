"""gtm's built-in themes, shipped inside the wheel as `gtm.themes`. A package only so that
`importlib.resources.files("gtm.themes")` finds them in every install layout; there is no code."""
