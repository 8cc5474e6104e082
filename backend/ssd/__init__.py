"""Data in and out in the shapes of the D2I Standard Safeguarding Dataset (SSD) and Annex A."""
