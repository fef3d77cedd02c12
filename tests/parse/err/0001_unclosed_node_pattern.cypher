MATCH (n:Person RETURN n
