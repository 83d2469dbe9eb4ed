"""Analysis on joined layers: indicators and aggregation, classes, priority rules and ranking, the 2025 reform."""
