//! Where `certificate-expired` fires, and the near misses where it must not.
