RETURN toUpperCase('x')
