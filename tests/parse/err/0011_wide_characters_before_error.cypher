MATCH (p {name: '刘鹤 Liu Hé'}) RETURN p.
