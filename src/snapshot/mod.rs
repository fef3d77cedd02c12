//! Snapshots: saving and loading a graph as a versioned, checksummed bincode file.
//! (Being built; see the snapshot issue.)

/// The file a database was opened from, and the lock that keeps other writers out.
#[derive(Debug, Default)]
pub struct DbFile {}
