"""Layer 6, `gtm serve`: the watcher, the development server and the session that rebuilds on
every save."""
