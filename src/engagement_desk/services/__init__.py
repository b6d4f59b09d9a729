"""Use cases, one module per capability. Each owns its transactions; none imports Qt."""
