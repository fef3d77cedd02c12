MATCH (a) CREATE (a)-[:R]-(b)
