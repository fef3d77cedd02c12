MATCH (n)
WHERE count(n) > 1
RETURN n
