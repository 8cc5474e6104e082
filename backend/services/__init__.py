"""The service layer: load facts, call the core, persist. Plain values in and out."""
