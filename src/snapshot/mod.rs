//! Snapshots: saving and loading a graph as a versioned, checksummed bincode file.
//! (Being built; see the snapshot issue.)
