// The seed graph (placeholder until the seed-graph work lands).
