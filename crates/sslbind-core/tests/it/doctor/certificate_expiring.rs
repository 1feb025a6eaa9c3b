//! Where `certificate-expiring` fires, and the near misses where it must not.
