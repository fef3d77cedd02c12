MATCH (a)-[a]->(b) RETURN a
