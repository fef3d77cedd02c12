//! Bulk import of CSV files in neo4j-admin's convention. (Being built; see the import issue.)
