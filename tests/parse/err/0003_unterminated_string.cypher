MATCH (n)
RETURN n.name, 'abc
