MATCH (a)-[:KNOWS->(b) RETURN b
