//! Where `certificate-not-found` fires, and the near misses where it must not.
