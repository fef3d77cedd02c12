MATCH (a:Person)
WHERE b.name = 'Liu He'
RETURN a
