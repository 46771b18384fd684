"""Layer 3, rendering: the theme, the pages, the data files and the PDFs, all in memory."""
