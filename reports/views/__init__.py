"""Report pages: views translate HTTP to selector calls and record every read in the access log."""
