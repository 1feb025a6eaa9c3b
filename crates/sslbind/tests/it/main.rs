//! The command-line tests of sslbind, in one binary.
