//! The interactive shell. (Being built; see the REPL issue.)
