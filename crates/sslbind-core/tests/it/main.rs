//! The integration tests of sslbind-core, in one binary.
