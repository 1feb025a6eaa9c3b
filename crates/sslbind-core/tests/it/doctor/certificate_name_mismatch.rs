//! Where `certificate-name-mismatch` fires, and the near misses where it must not.
