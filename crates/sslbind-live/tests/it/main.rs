//! The integration tests of sslbind-live, in one binary.
