"""Casework pages: views translate HTTP to selector and service calls, one module per area."""
